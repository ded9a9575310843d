using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary>
/// Progress for work that can take more than a second: a spinner (<see cref="StatusAsync{T}"/>) or a bar over
/// bytes (<see cref="ProgressAsync{T}"/>), drawn on standard error so standard output stays the result. Shown
/// only on a terminal: never when stdout or stderr is redirected, never with --json.
/// </summary>
internal static class CliProgress
{
    private static readonly Lazy<IAnsiConsole> Stderr = new(() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    }));

    /// <summary>Whether progress may be drawn (a terminal on both stdout and stderr, and no --json).</summary>
    public static bool Allowed(bool json) =>
        !json && !Console.IsOutputRedirected && !Console.IsErrorRedirected && Stderr.Value.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> on the thread pool under a spinner saying <paramref name="what"/>.</summary>
    public static async Task<T> StatusAsync<T>(bool show, string what, Func<T> work, CancellationToken ct)
    {
        if (!show)
        {
            return await Task.Run(work, ct).ConfigureAwait(false);
        }

        return await Stderr.Value.Status().StartAsync(Markup.Escape(what), _ => Task.Run(work, ct)).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> with a bar from 0 to <paramref name="total"/>; work reports how far it is.</summary>
    public static async Task<T> ProgressAsync<T>(bool show, string what, long total, Func<Action<long>?, Task<T>> work)
    {
        if (!show)
        {
            return await work(null).ConfigureAwait(false);
        }

        T result = default!;
        await Stderr.Value.Progress().StartAsync(async ctx =>
        {
            ProgressTask task = ctx.AddTask(Markup.Escape(what), maxValue: Math.Max(1, total));
            result = await work(done => task.Value = done).ConfigureAwait(false);
            task.Value = task.MaxValue;
        }).ConfigureAwait(false);
        return result;
    }
}
