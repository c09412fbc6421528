using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Storage.Tests;

/// <summary>
/// A real <c>tune</c> run's database, written by KvmTune before subjects were typed (schema 2, subjects as text): it
/// must keep loading, with every sample and result typed.
/// </summary>
public sealed class FixtureRunTests : IDisposable
{
    private readonly string _copy;

    public FixtureRunTests()
    {
        // The store opens read-write (WAL); work on a copy so the fixture stays as recorded.
        _copy = Path.Combine(Directory.CreateTempSubdirectory("kvmtune-fixture-").FullName, "kvmtune.db");
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "Fixtures", "store", "tune-run.db"), _copy);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_copy)!, recursive: true);

    [Fact]
    public void A_tune_run_stored_by_the_current_schema_loads_typed()
    {
        using var store = new SqliteRunStore(_copy);
        var run = store.LoadRun(1)!;

        Assert.Equal("completed", run.Info.Status);
        Assert.Equal(508, run.Samples.Count);
        Assert.Equal(130, run.Results.Count);
        // Every kind of subject is there: candidates (in both phases), storage ceilings, the harness ceiling
        Assert.Contains(run.Samples, s => s.Subject is CandidateSubject && s.Phase == Phase.Sustained);
        Assert.Contains(run.Samples, s => s.Subject is StorageCeiling { Storage: Backend.Loop } && s.Engine == Engine.Host);
        Assert.Contains(run.Results, r => r.Subject is HarnessCeiling && r.HarnessBound);
        Assert.All(run.Samples.Where(s => s.Engine == Engine.Host), s => Assert.IsType<StorageCeiling>(s.Subject));
        Assert.All(run.Results.Where(r => r.SkippedCode is not null), r => Assert.Equal("KT001", r.Candidate!.CannotStartCode));
        // The run's settings come back typed
        Assert.Equal([Backend.Qcow2Sparse, Backend.Qcow2Metadata, Backend.RawPrealloc, Backend.Loop], run.Info.Settings.Backends);
        Assert.Equal(run.Info.Settings.Candidates.Count + run.Info.Settings.Skipped.Count, Backends.All.Count(b => run.Info.Settings.Backends.Contains(b)) * 15);
        Assert.Equal("7.2.22", run.HostFacts.Single(f => f.Key == HostFactKeys.QemuVersion).Value);
    }
}
