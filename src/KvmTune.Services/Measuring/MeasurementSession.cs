using KvmTune.Core;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using KvmTune.Host.Probing;
using KvmTune.Host.Processes;
using KvmTune.Services.Stores;

namespace KvmTune.Services.Measuring;

/// <summary>What to measure and where, as <c>bench</c> and <c>tune</c> ask for it.</summary>
/// <param name="Plan">The candidates and profiles.</param>
/// <param name="Options">Repeats, durations, image size.</param>
/// <param name="Storage">Where the backends are created (<c>--dir</c>, <c>--device</c>, <c>--vg</c>).</param>
/// <param name="Db">The results store (<c>--db</c>), or null for the default one.</param>
/// <param name="CommandLine">The command line stored with the run.</param>
/// <param name="Constraints">
/// The advisor's constraints the run will be decided with: the race gives extra repeats only to candidates they allow,
/// weighing the profiles as the overall decision will. Null: every candidate, every profile weight 1.
/// </param>
public sealed record MeasurementRequest(
    BenchPlan Plan,
    BenchOptions Options,
    BackendOptions Storage,
    string? Db,
    string CommandLine,
    AdvisorConstraints? Constraints = null);

/// <summary>A finished, stored measurement run.</summary>
/// <param name="RunId">The stored run.</param>
/// <param name="Outcome">Results and samples.</param>
/// <param name="HostFacts">The probe's facts stored with the run.</param>
public sealed record MeasurementResult(long RunId, BenchOutcome Outcome, IReadOnlyList<KeyValuePair<string, string>> HostFacts);

/// <summary>
/// Measures a plan the way <c>bench</c> and <c>tune</c> both do: engines and tools checked, device safety and space
/// validated before anything is created, leftovers of killed runs removed, the host probed (its facts are stored with
/// every run, so <c>report</c> and <c>apply --from-run</c> know the QEMU version), Ctrl-C/SIGTERM cleaning up scratch
/// images, loop devices and cgroups, results stored with the run's settings (the volume group of an LVM run among
/// them).
/// </summary>
public static class MeasurementSession
{
    /// <summary>
    /// The settings a run is stored with: the plan, the measurement options, and the named storage it measured — the
    /// volume group of an LVM run (nova's <c>images_volume_group</c> when LVM wins), the device of a device run.
    /// </summary>
    public static RunSettings SettingsFor(BenchPlan plan, BenchOptions options, BackendOptions storage)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(storage);
        return BenchRunner.SettingsOf(plan, options) with
        {
            VolumeGroup = plan.Request.Backends.Contains(Backend.Lvm) ? storage.VolumeGroup : null,
            Device = plan.Request.Backends.Contains(Backend.Device) ? storage.Device : null,
        };
    }

    /// <summary>
    /// The free space a plan needs in the scratch directory: the image size, except for images that are not filled
    /// (the qcow2 preset's metadata-preallocated images): twice their L2 tables each, plus 1 GiB for what is written.
    /// </summary>
    public static long SpaceNeeded(BenchPlan plan, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var size = options.Measure.SizeBytes;
        if (options.FillImages || plan.Request.Engines.Contains(Engine.Host) || plan.Request.Backends.Any(b => b.Format() != "qcow2"))
        {
            return size;
        }
        return (1L << 30) + plan.Candidates.Select(c => c.Options.Creation).Distinct()
            .Sum(c => 2 * Qcow2Layout.L2TableBytes(size, c.EffectiveClusterSize, c.ExtendedL2));
    }

    private static string? ReadLoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg");
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Runs the request. Interrupted: <see cref="OperationCanceledException"/> once the scratch images are gone.</summary>
    /// <exception cref="InputException">The request cannot run here (a missing tool, an unsafe device, no space).</exception>
    public static async Task<MeasurementResult> RunAsync(MeasurementRequest request, IProgress<BenchProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = request.Plan;
        var engines = new Dictionary<Engine, IMeasurementEngine>();
        try
        {
            foreach (var kind in plan.Request.Engines)
            {
                engines[kind] = EngineRegistry.Create(kind)
                    ?? throw new InputException($"--engine {kind.ToName()}: the {kind.ToName()} engine is not available in this build");
                ToolRegistry.Default.Require(EngineRegistry.Program(kind));
            }
            await using var factory = new BackendFactory(request.Storage);
            // Device safety checks, root for loop devices, device-mapper for LVM, free space: before anything is created.
            factory.Validate(plan.Request.Backends, request.Options.Measure.SizeBytes, SpaceNeeded(plan, request.Options));

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var signals = SignalCleanup.Install(cancel);
            BackendJanitor.CleanLeftovers(request.Storage.ScratchDirectory is null ? null : [request.Storage.ScratchDirectory]);
            MemoryCgroup.RemoveLeftovers();
            try
            {
                progress?.Report(new BenchProgress("probing the host", 0, 1));
                var probe = await HostProbe.RunAsync(factory.ScratchDirectory, request.Storage.Device, cancel.Token).ConfigureAwait(false);
                var facts = probe.ToFactList();
                // The host engine's strategies: jobs up to the cores, registered io_uring buffers where the probe found them.
                var options = request.Options with { Cores = probe.Cores, RegisteredIoUring = probe.IoUringRegistered.Available };
                if (request.Constraints is { } constraints)
                {
                    // Extra repeats go to the candidates the advisor may rank under these constraints (the host's QEMU
                    // version decides which cached modes migrate safely), weighing the profiles as it will.
                    var host = RunHostFacts.From(facts);
                    options = options with { Rankable = c => Advisor.Exclusion(c, constraints, host) is null, Workload = constraints.Workload, Margin = constraints.Margin };
                    // What the constraints could never recommend is not measured (unless its cache mode was named).
                    plan = BenchPlanner.WithinConstraints(plan, c => Advisor.Exclusion(c, constraints, host));
                }
                using var store = RunStores.OpenForWriting(request.Db);
                await using var targets = new BackendTargets(factory);
                var runner = new BenchRunner(engines, targets, store);
                var outcome = await runner.RunAsync(plan, options, request.CommandLine, facts, SettingsFor(plan, options, request.Storage), progress, cancel.Token).ConfigureAwait(false);
                var runId = outcome.RunId ?? throw new InvalidOperationException("the run was not stored");
                // How busy the host was when the measurement ended, beside the load the probe saw before it.
                List<KeyValuePair<string, string>> after = [];
                if (HostLoad.Parse(ReadLoadAverage()) is { Count: > 0 } load)
                {
                    after.Add(new(HostFactKeys.LoadAfter, HostLoad.Format(load)));
                    store.AddHostFacts(runId, after);
                }
                List<KeyValuePair<string, string>> all = [.. facts, .. outcome.IoChecks.Select(c => c.ToFact()), .. after];
                // The decision under the run's constraints, with the standing recommendation of the previous run of
                // this plan on this host, stored with the run (history shows its winner; the next run starts from it).
                var decision = Advisor.Decide(outcome.Results, RunHostFacts.From(all), request.Constraints ?? AdvisorConstraints.Default, store.StandingFor(runId));
                store.SetDecision(runId, decision);
                return new MeasurementResult(runId, outcome, all);
            }
            catch (OperationCanceledException e)
            {
                throw new OperationCanceledException("interrupted; scratch images removed", e);
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
