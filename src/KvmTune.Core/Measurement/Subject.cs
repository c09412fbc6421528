using KvmTune.Core.Tuning;

namespace KvmTune.Core.Measurement;

/// <summary>
/// What a measurement measured: a <see cref="CandidateSubject"/> (backend × cache × aio, through QEMU), the
/// <see cref="StorageCeiling"/> of a backend (the host engine straight on its storage), or the
/// <see cref="HarnessCeiling"/> (the qemu engine on QEMU's null-co driver, its own limit). Samples, results,
/// rankings and decisions carry it typed from plan to apply; only the results store writes and reads a text form of it.
/// <see cref="object.ToString"/> is the name shown to people (<c>raw-prealloc/none/native</c>, <c>raw-prealloc</c>,
/// <c>null-co</c>).
/// </summary>
public abstract record Subject
{
    private protected Subject()
    {
    }

    /// <summary>The candidate, when this subject is one; otherwise null.</summary>
    public virtual Candidate? Candidate => null;

    /// <summary>The backend whose storage the subject reads and writes; null for the harness ceiling.</summary>
    public abstract Backend? Backend { get; }

    /// <summary>The subject of a candidate.</summary>
    public static CandidateSubject Of(Candidate candidate) => new(candidate);

    /// <summary>The storage ceiling of a backend (host engine) as measured before strategies: libaio, one request per call.</summary>
    public static StorageCeiling CeilingOf(Backend backend) => new(backend, SubmissionStrategy.Legacy);

    /// <summary>The storage ceiling of a backend measured with one submission strategy (host engine).</summary>
    public static StorageCeiling CeilingOf(Backend backend, SubmissionStrategy strategy) => new(backend, strategy);

    /// <summary>The harness's own ceiling (<c>qemu-img bench</c> on null-co).</summary>
    public static HarnessCeiling Harness => HarnessCeiling.Instance;
}

/// <summary>A candidate measured through QEMU's block layer (qemu engine) or in a micro-VM (guest engine).</summary>
public sealed record CandidateSubject(Candidate Value) : Subject
{
    public override Candidate Candidate => Value;

    public override Backend? Backend => Value.Backend;

    public override string ToString() => Value.Id;
}

/// <summary>
/// The storage's own ceiling for a backend: fio straight on the backing file or device (host engine), submitting its
/// requests with one <see cref="SubmissionStrategy"/>. The backend's ceiling is the best of its strategies
/// (<see cref="Decisions.CeilingCheck"/>).
/// </summary>
public sealed record StorageCeiling(Backend Storage, SubmissionStrategy Strategy) : Subject
{
    public override Backend? Backend => Storage;

    /// <summary><c>raw-prealloc</c> for the legacy strategy, <c>raw-prealloc@io_uring+batch+fixed</c> for the others.</summary>
    public override string ToString() => Strategy == SubmissionStrategy.Legacy ? Storage.ToName() : $"{Storage.ToName()}@{Strategy.Name}";
}

/// <summary>The qemu engine's own ceiling: <c>qemu-img bench</c> on QEMU's null-co driver (no storage at all).</summary>
public sealed record HarnessCeiling : Subject
{
    private HarnessCeiling()
    {
    }

    /// <summary>The one harness ceiling.</summary>
    public static HarnessCeiling Instance { get; } = new();

    public override Backend? Backend => null;

    public override string ToString() => "null-co";
}

/// <summary>
/// Which phase of a measurement a sample is: <see cref="Burst"/> (page cache warm, or no cache involved) or
/// <see cref="Sustained"/> (a cached mode in a memory-limited cgroup with the page cache evicted first: once the
/// cache no longer absorbs writes or holds the reads).
/// </summary>
public enum Phase
{
    Burst,
    Sustained,
}
