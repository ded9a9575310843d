namespace KernelSim.Notebooks.Tests;

/// <summary>
/// A theory that runs only where a user's Jupyter setup exists: <c>jupyter-nbconvert</c> on PATH, the .NET (C#)
/// kernelspec installed (<c>dotnet interactive jupyter install</c>) and the dotnet-interactive tool; skipped with the
/// reason elsewhere.
/// </summary>
public sealed class JupyterTheoryAttribute : TheoryAttribute
{
    public JupyterTheoryAttribute()
    {
        if (Jupyter.Missing() is string why)
        {
            Skip = why;
        }
    }
}

/// <summary>Where the Jupyter pieces are.</summary>
public static class Jupyter
{
    public static string ToolsDirectory => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");

    public static string? NbConvert => FindOnPath("jupyter-nbconvert");

    public static string SearchPath => Environment.GetEnvironmentVariable("PATH") + Path.PathSeparator + ToolsDirectory;

    /// <summary>Why the Jupyter route cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        if (NbConvert is null)
        {
            return "jupyter-nbconvert not on PATH (Debian: apt-get install jupyter-nbconvert python3-ipykernel)";
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] kernelDirs = [Path.Combine(home, ".local", "share", "jupyter", "kernels"), "/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"];
        if (!kernelDirs.Any(d => File.Exists(Path.Combine(d, ".net-csharp", "kernel.json"))))
        {
            return "no .net-csharp Jupyter kernel (dotnet tool install -g Microsoft.dotnet-interactive; dotnet interactive jupyter install)";
        }

        return FindOnPath("dotnet-interactive", SearchPath) is null ? "the dotnet-interactive tool is not installed (dotnet tool install -g Microsoft.dotnet-interactive)" : null;
    }

    private static string? FindOnPath(string file, string? path = null) =>
        (path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, file))
            .FirstOrDefault(File.Exists);
}
