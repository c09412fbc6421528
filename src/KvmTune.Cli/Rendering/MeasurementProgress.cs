using KvmTune.Host.Measurement;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

/// <summary>Progress of a measurement on the status console (stderr): description, bar, percentage, time left.</summary>
internal static class MeasurementProgress
{
    /// <summary>Runs <paramref name="work"/> with a progress bar that its reports drive.</summary>
    public static Task<T> ShowAsync<T>(IAnsiConsole status, string label, int expected, Func<IProgress<BenchProgress>, Task<T>> work) =>
        status.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: Math.Max(1, expected));
                return await work(new SynchronousProgress(p =>
                {
                    task.Description = Markup.Escape(p.Description);
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                })).ConfigureAwait(false);
            });

    /// <summary>Reports progress on the caller's thread (Spectre's progress context is not thread-safe to defer).</summary>
    private sealed class SynchronousProgress(Action<BenchProgress> report) : IProgress<BenchProgress>
    {
        public void Report(BenchProgress value) => report(value);
    }
}
