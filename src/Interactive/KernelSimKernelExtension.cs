using Microsoft.DotNet.Interactive;

namespace KernelSim.Interactive;

/// <summary>
/// The .NET Interactive kernel extension of the KernelSim.Interactive package: <c>#r "nuget:KernelSim.Interactive"</c>
/// loads it from the package's <c>interactive-extensions/dotnet</c> folder and it registers the HTML formatters
/// (<see cref="KernelSimFormatters.Register"/>), so results render as tables without extra code.
/// </summary>
public sealed class KernelSimKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Kernel kernel)
    {
        KernelSimFormatters.Register();
        return Task.CompletedTask;
    }
}
