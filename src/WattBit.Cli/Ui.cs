using Spectre.Console;

namespace WattBit.Cli;

/// <summary>The consoles commands write to, and a progress helper that every long run uses.</summary>
internal static class Ui
{
    /// <summary>Standard output.</summary>
    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    /// <summary>Standard error (for tables and progress when data goes to standard output).</summary>
    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            // Files and pipes have no width: keep tables and messages on whole lines instead of 80 columns.
            console.Profile.Width = 120;
        }

        return console;
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> units; the work reports units done.</summary>
    public static T WithProgress<T>(IAnsiConsole console, string description, int total, Func<IProgress<int>, T> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: Math.Max(1, total));
                result = work(new SyncProgress(task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Updates the task on the caller's thread (System.Progress posts to the thread pool and can arrive late).</summary>
    private sealed class SyncProgress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
