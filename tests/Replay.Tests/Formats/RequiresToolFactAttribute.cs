namespace KernelSim.Replay.Tests.Formats;

/// <summary>A fact that is skipped, with the reason, where an external tool is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool)
    {
        bool found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
        if (!found)
        {
            Skip = $"needs '{tool}' on PATH (apt-get install {tool}); not installed here";
        }
    }
}
