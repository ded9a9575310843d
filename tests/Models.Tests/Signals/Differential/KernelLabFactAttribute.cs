namespace KernelSim.Models.Tests.Signals.Differential;

/// <summary>A fact that runs only where the kernel lab is available (Linux, root, gcc, unshare), else skips with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelLabFactAttribute : FactAttribute
{
    public KernelLabFactAttribute(string? requiresEnvironmentVariable = null)
    {
        if (requiresEnvironmentVariable is not null && Environment.GetEnvironmentVariable(requiresEnvironmentVariable) != "1")
        {
            Skip = $"set {requiresEnvironmentVariable}=1 to run";
            return;
        }

        string? why = KernelLab.Unavailable();
        if (why is not null)
        {
            Skip = why;
        }
    }
}
