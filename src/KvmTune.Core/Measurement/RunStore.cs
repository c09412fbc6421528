namespace KvmTune.Core.Measurement;

/// <summary>One stored run (a <c>bench</c> or <c>tune</c>).</summary>
/// <param name="Id">Run number.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it finished, or null while running.</param>
/// <param name="Command">The command line that produced it.</param>
/// <param name="Status">running, completed, failed, interrupted.</param>
/// <param name="SettingsJson">The run's settings (engines, backends, profiles, size …) as JSON.</param>
public sealed record RunInfo(long Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Command, string Status, string SettingsJson);

/// <summary>Everything stored for a run: what decide and report re-run on without measuring again.</summary>
public sealed record RunData(
    RunInfo Info,
    IReadOnlyList<KeyValuePair<string, string>> HostFacts,
    IReadOnlyList<Sample> Samples,
    IReadOnlyList<CandidateResult> Results);

/// <summary>Well-known keys of a run's host facts (others may be present).</summary>
public static class HostFactKeys
{
    public const string Hostname = "host.name";
    public const string Kernel = "kernel.version";
    public const string QemuVersion = "qemu.version";
    public const string LibvirtVersion = "libvirt.version";
    public const string FioVersion = "fio.version";
    /// <summary><c>kvm</c> or <c>tcg</c>: whether guests can really run under KVM.</summary>
    public const string Accelerator = "accelerator";
    public const string DataDirectory = "data.directory";
    public const string ODirect = "data.odirect";
    public const string StorageDevice = "storage.device";
    public const string StorageRotational = "storage.rotational";
    public const string StorageModel = "storage.model";
    public const string IoUring = "io_uring";
    public const string DirtyRatio = "vm.dirty_ratio";
    public const string DirtyBackgroundRatio = "vm.dirty_background_ratio";
    public const string DeviceMapper = "device_mapper";
}

/// <summary>The results store (SQLite by default). Implementations live outside Core.</summary>
public interface IRunStore
{
    /// <summary>Starts a run and returns its id.</summary>
    long BeginRun(string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, string settingsJson);

    void AddSample(long runId, Sample sample);

    void AddResult(long runId, CandidateResult result);

    void FinishRun(long runId, string status);

    /// <summary>The newest runs first.</summary>
    IReadOnlyList<RunInfo> ListRuns(int limit = 50);

    /// <summary>A run with its samples and results, or null when unknown.</summary>
    RunData? LoadRun(long runId);
}
