namespace KvmTune.Core.Measurement;

/// <summary>One stored run (a <c>bench</c> or <c>tune</c>).</summary>
/// <param name="Id">Run number.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it finished, or null while running.</param>
/// <param name="Command">The command line that produced it.</param>
/// <param name="Status">running, completed, failed, interrupted.</param>
/// <param name="Settings">What the run was asked to measure, and how.</param>
public sealed record RunInfo(long Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Command, string Status, RunSettings Settings);

/// <summary>
/// What a run measured and how: the plan and the measurement options, and the named storage (a volume group, a
/// device) when there was one. Stored with the run; what <c>report</c> and <c>apply --from-run</c> need besides the
/// results (the volume group becomes nova's <c>images_volume_group</c>).
/// </summary>
public sealed record RunSettings
{
    /// <summary>An empty settings record (runs stored without settings).</summary>
    public static RunSettings Empty { get; } = new();

    public IReadOnlyList<Engine> Engines { get; init; } = [];

    public IReadOnlyList<Tuning.Backend> Backends { get; init; } = [];

    /// <summary>The candidates that could start.</summary>
    public IReadOnlyList<Tuning.Candidate> Candidates { get; init; } = [];

    /// <summary>The candidates that cannot start (KT001), skipped.</summary>
    public IReadOnlyList<Tuning.Candidate> Skipped { get; init; } = [];

    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Seconds per repeat.</summary>
    public double Seconds { get; init; }

    /// <summary>Scratch image size in bytes.</summary>
    public long SizeBytes { get; init; }

    /// <summary>Minimum and maximum repeats.</summary>
    public IReadOnlyList<int> Repeats { get; init; } = [];

    /// <summary>The volume group the LVM backend measured (<c>--vg</c>), or null.</summary>
    public string? VolumeGroup { get; init; }

    /// <summary>The block device the device backend measured (<c>--device</c>), or null.</summary>
    public string? Device { get; init; }
}

/// <summary>Everything stored for a run: what decide and report re-run on without measuring again.</summary>
public sealed record RunData(
    RunInfo Info,
    IReadOnlyList<KeyValuePair<string, string>> HostFacts,
    IReadOnlyList<Sample> Samples,
    IReadOnlyList<SubjectResult> Results);

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
    /// <summary><c>yes</c> when io_uring may register buffers and files (the host engine's registered strategies).</summary>
    public const string IoUringRegistered = "io_uring.registered";
    /// <summary>Processors the measurement could use.</summary>
    public const string Cores = "cpu.count";
    /// <summary>The load average (1, 5, 15 minutes) when the probe ran, before measuring.</summary>
    public const string LoadBefore = "load.before";
    /// <summary>The load average when the measurement finished.</summary>
    public const string LoadAfter = "load.after";
}

/// <summary>The results store (SQLite by default). Implementations live outside Core.</summary>
public interface IRunStore
{
    /// <summary>Starts a run and returns its id.</summary>
    long BeginRun(string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, RunSettings settings);

    void AddSample(long runId, Sample sample);

    void AddResult(long runId, SubjectResult result);

    /// <summary>Adds host facts to a started run, after the ones it began with (what was measured during the run).</summary>
    void AddHostFacts(long runId, IReadOnlyList<KeyValuePair<string, string>> facts);

    void FinishRun(long runId, string status);

    /// <summary>The newest runs first.</summary>
    IReadOnlyList<RunInfo> ListRuns(int limit = 50);

    /// <summary>A run with its samples and results, or null when unknown.</summary>
    RunData? LoadRun(long runId);
}
