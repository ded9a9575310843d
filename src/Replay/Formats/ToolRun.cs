using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KernelSim.Replay.Formats;

/// <summary>
/// A running <c>trace-cmd report</c> or <c>perf script</c> whose output is being read: keeps the
/// start of its stderr so that a tool that fails (e.g. perf on a file that only looks like
/// perf.data) is reported with its own words, and owns the spooled copy of piped input it reads.
/// </summary>
internal sealed class ToolRun : IDisposable
{
    private const int MaxStderrChars = 2000;
    private readonly Process _process;
    private readonly FileStream? _spool;
    private readonly StringBuilder _stderr = new();

    public ToolRun(Process process, string command, string kind, FileStream? spool)
    {
        _process = process;
        _spool = spool;
        Command = command;
        Kind = kind;
        process.ErrorDataReceived += OnStderr;
        process.BeginErrorReadLine();
    }

    /// <summary>"perf script" or "trace-cmd report".</summary>
    public string Command { get; }

    /// <summary>"perf.data" or "trace.dat".</summary>
    public string Kind { get; }

    /// <summary>
    /// After the tool's output ended: null if it exited with 0, else its exit code and the first line
    /// of what it printed on stderr.
    /// </summary>
    public string? Failure()
    {
        _process.WaitForExit();
        if (_process.ExitCode == 0)
        {
            return null;
        }

        string err;
        lock (_stderr)
        {
            err = _stderr.ToString().Trim();
        }

        int nl = err.IndexOf('\n', StringComparison.Ordinal);
        string first = nl >= 0 ? err[..nl] : err;
        return string.Create(CultureInfo.InvariantCulture, $"`{Command}` exited with {_process.ExitCode}: {(first.Length > 0 ? first : "(no message)")}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
        _spool?.Dispose();
    }

    private void OnStderr(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (_stderr)
        {
            if (_stderr.Length < MaxStderrChars)
            {
                _stderr.AppendLine(e.Data);
            }
        }
    }
}
