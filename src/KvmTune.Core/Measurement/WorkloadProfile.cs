namespace KvmTune.Core.Measurement;

/// <summary>
/// A workload as a fio job description. Presets are named; <see cref="FioJobFile"/> carries a user's own job.
/// </summary>
/// <param name="Name">Preset name (<c>randread-4k-qd32</c>).</param>
/// <param name="ReadWrite">fio <c>rw=</c>: randread, randwrite, read, write, randrw.</param>
/// <param name="BlockSize">Bytes per request.</param>
/// <param name="IoDepth">Queue depth.</param>
/// <param name="ReadPercent">For randrw: fio <c>rwmixread</c>.</param>
/// <param name="SyncEveryWrite">fdatasync after every write (the database commit pattern).</param>
/// <param name="FioJobFile">A user's fio job file (<c>--fio-job</c>), or null for a preset.</param>
public sealed record WorkloadProfile(
    string Name,
    string ReadWrite,
    int BlockSize,
    int IoDepth,
    int ReadPercent = 100,
    bool SyncEveryWrite = false,
    string? FioJobFile = null)
{
    public static WorkloadProfile RandRead4kQd32 { get; } = new("randread-4k-qd32", "randread", 4096, 32);
    public static WorkloadProfile RandWrite4kQd32 { get; } = new("randwrite-4k-qd32", "randwrite", 4096, 32, ReadPercent: 0);
    public static WorkloadProfile SeqRead1mQd8 { get; } = new("seqread-1m-qd8", "read", 1 << 20, 8);
    public static WorkloadProfile SeqWrite1mQd8 { get; } = new("seqwrite-1m-qd8", "write", 1 << 20, 8, ReadPercent: 0);
    public static WorkloadProfile SyncWrite4kQd1 { get; } = new("syncwrite-4k-qd1", "randwrite", 4096, 1, ReadPercent: 0, SyncEveryWrite: true);
    public static WorkloadProfile Mixed4k70rQd16 { get; } = new("mixed-4k-70r-qd16", "randrw", 4096, 16, ReadPercent: 70);

    /// <summary>Every preset, in the order reports show them.</summary>
    public static IReadOnlyList<WorkloadProfile> Presets { get; } =
        [RandRead4kQd32, RandWrite4kQd32, SeqRead1mQd8, SeqWrite1mQd8, SyncWrite4kQd1, Mixed4k70rQd16];

    /// <summary>A preset by name, or null.</summary>
    public static WorkloadProfile? Find(string name) => Presets.FirstOrDefault(p => p.Name == name);

    /// <summary>True when the profile writes.</summary>
    public bool Writes => ReadWrite is "randwrite" or "write" or "randrw" or "rw";

    /// <summary>True when the profile reads (randread, read, or a mix).</summary>
    public bool Reads => ReadWrite is "randread" or "read" or "randrw" or "rw";

    /// <summary>True when accesses are scattered.</summary>
    public bool Random => ReadWrite.StartsWith("rand", StringComparison.Ordinal);
}
