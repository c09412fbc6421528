using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using KvmTune.Host.Processes;
using Spectre.Console;

namespace KvmTune.Cli.Commands;

/// <summary>
/// Runs a bench plan the way <c>bench</c> and <c>tune</c> both do: engines and tools checked, device safety and
/// space validated before anything is created, leftovers of killed runs removed, progress with ETA on the status
/// console, Ctrl-C/SIGTERM cleaning up scratch images, loop devices and cgroups, results stored.
/// </summary>
internal static class BenchSession
{
    /// <summary>The outcome, or the exit code when the run was interrupted or failed after input was accepted.</summary>
    internal sealed record Result(BenchOutcome? Outcome, int ExitCode);

    public static async Task<Result> RunAsync(
        CliOutput output,
        string label,
        BenchPlan plan,
        BenchOptions options,
        BackendOptions backendOptions,
        string? db,
        Func<string, CancellationToken, Task<IReadOnlyList<KeyValuePair<string, string>>>> hostFacts,
        CancellationToken cancellationToken)
    {
        var engines = new Dictionary<Engine, IMeasurementEngine>();
        try
        {
            foreach (var kind in plan.Request.Engines)
            {
                engines[kind] = EngineRegistry.Create(kind)
                    ?? throw new InputException($"--engine {kind.ToName()}: the {kind.ToName()} engine is not available in this build");
                ToolRegistry.Default.Require(EngineRegistry.Program(kind));
            }
            await using var factory = new BackendFactory(backendOptions);
            // Device safety checks, root for loop devices, device-mapper for LVM, free space: before anything is created.
            factory.Validate(plan.Request.Backends, options.Measure.SizeBytes);

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var signals = SignalCleanup.Install(cancel);
            BackendJanitor.CleanLeftovers(backendOptions.ScratchDirectory is null ? null : [backendOptions.ScratchDirectory]);
            MemoryCgroup.RemoveLeftovers();
            try
            {
                var facts = await hostFacts(factory.ScratchDirectory, cancel.Token).ConfigureAwait(false);
                using var store = RunStores.OpenForWriting(db);
                await using var targets = new BackendTargets(factory);
                var runner = new BenchRunner(engines, targets, store);
                var commandLine = "kvmtune " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
                var outcome = await output.Status.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(label, maxValue: Math.Max(1, plan.MeasurementsPerRound * options.MinimumRepeats));
                        var progress = new SynchronousProgress(p =>
                        {
                            task.Description = Markup.Escape(p.Description);
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Done;
                        });
                        return await runner.RunAsync(plan, options, commandLine, facts, progress, cancel.Token).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                return new Result(outcome, ExitCodes.Ok);
            }
            catch (OperationCanceledException)
            {
                await output.Error.WriteLineAsync($"kvmtune: {label} interrupted; scratch images removed").ConfigureAwait(false);
                return new Result(null, ExitCodes.Failure);
            }
            catch (Exception e) when (e is InvalidOperationException or BackendException)
            {
                await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
                return new Result(null, ExitCodes.Failure);
            }
        }
        finally
        {
            // The guest engine owns a working directory (kernel, initramfs pieces) it removes on dispose.
            foreach (var engine in engines.Values.OfType<IDisposable>())
            {
                engine.Dispose();
            }
        }
    }
}

/// <summary>Reports progress on the caller's thread (Spectre's progress context is not thread-safe to defer).</summary>
internal sealed class SynchronousProgress(Action<BenchProgress> report) : IProgress<BenchProgress>
{
    public void Report(BenchProgress value) => report(value);
}
