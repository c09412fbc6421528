using System.Globalization;

namespace KvmTune.Core.Measurement;

/// <summary>The kernel interface the host engine submits requests through.</summary>
public enum SubmissionInterface
{
    /// <summary>Linux AIO (<c>io_submit</c>), fio's <c>ioengine=libaio</c>.</summary>
    Libaio,

    /// <summary>io_uring, fio's <c>ioengine=io_uring</c>.</summary>
    IoUring,
}

/// <summary>
/// How the host engine (fio straight on the storage) submits its requests when it measures a storage ceiling. On a
/// host where a system call is expensive (nested virtualisation: measured here, libaio with one request per
/// <c>io_submit</c> reached 26k–33k 4 KiB random reads where the same file gave 69k–80k with 16 per call), the
/// submission path, not the storage, limits one strategy; the ceiling is the best of several
/// (<see cref="For"/>), each kept as its own subject.
/// </summary>
/// <param name="Interface">libaio or io_uring.</param>
/// <param name="Batched">
/// Requests submitted and reaped in batches of half the queue depth (<c>iodepth_batch_submit</c>,
/// <c>iodepth_batch_complete_max</c>) instead of one per system call.
/// </param>
/// <param name="Registered">
/// io_uring only: buffers and the file registered with the ring once (<c>fixedbufs</c>, <c>registerfiles</c>), so the
/// kernel does not map them per request; where the kernel or the memory-lock limit refuses it, the strategy is left out.
/// </param>
/// <param name="Jobs">Processes sharing the queue depth (<c>numjobs</c>, each <c>iodepth / Jobs</c>): up to the core count.</param>
public sealed record SubmissionStrategy(SubmissionInterface Interface, bool Batched, bool Registered, int Jobs)
{
    /// <summary>What the host engine ran before strategies existed: libaio, one request per system call, one job.</summary>
    public static SubmissionStrategy Legacy { get; } = new(SubmissionInterface.Libaio, false, false, 1);

    /// <summary>
    /// The stable name (<c>libaio</c>, <c>libaio+batch</c>, <c>io_uring+batch+fixed</c>, <c>io_uring+batch+fixed+jobs2</c>):
    /// the interface, then <c>+batch</c>, <c>+fixed</c> (registered buffers and file) and <c>+jobsN</c> when set.
    /// </summary>
    public string Name =>
        (Interface == SubmissionInterface.Libaio ? "libaio" : "io_uring")
        + (Batched ? "+batch" : "")
        + (Registered ? "+fixed" : "")
        + (Jobs > 1 ? "+jobs" + Jobs.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>Parses <see cref="Name"/>; null for anything else.</summary>
    public static SubmissionStrategy? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var parts = text.Split('+');
        SubmissionInterface? face = parts[0] switch
        {
            "libaio" => SubmissionInterface.Libaio,
            "io_uring" => SubmissionInterface.IoUring,
            _ => null,
        };
        if (face is null)
        {
            return null;
        }
        bool batched = false, registered = false;
        var jobs = 1;
        foreach (var part in parts.Skip(1))
        {
            if (part == "batch" && !batched && !registered && jobs == 1)
            {
                batched = true;
            }
            else if (part == "fixed" && !registered && jobs == 1 && face == SubmissionInterface.IoUring)
            {
                registered = true;
            }
            else if (part.StartsWith("jobs", StringComparison.Ordinal) && jobs == 1
                     && int.TryParse(part.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 1)
            {
                jobs = n;
            }
            else
            {
                return null;
            }
        }
        var strategy = new SubmissionStrategy(face.Value, batched, registered, jobs);
        // Only the canonical spelling parses, so that one strategy has one stored text.
        return strategy.Name == text ? strategy : null;
    }

    /// <summary>Requests per submit and per reap when <see cref="Batched"/>: half of each job's depth, at least 1.</summary>
    public int BatchSize(int ioDepth) => Batched ? Math.Max(1, JobDepth(ioDepth) / 2) : 1;

    /// <summary>Each job's queue depth: the profile's depth shared by the jobs (at least 1).</summary>
    public int JobDepth(int ioDepth) => Math.Max(1, ioDepth / Math.Max(1, Jobs));

    /// <summary>
    /// The strategies a storage ceiling is measured with for a profile of queue depth <paramref name="ioDepth"/>:
    /// libaio batched; io_uring batched (with registered buffers and file when <paramref name="registered"/>: the host
    /// allows them); and that io_uring strategy in <c>min(cores, depth)</c> jobs sharing the depth, when there are two
    /// or more. At depth 1 batching changes nothing and one job is all there can be: libaio and io_uring.
    /// </summary>
    /// <param name="ioDepth">The profile's queue depth.</param>
    /// <param name="cores">Cores of the host (jobs beyond them only compete for CPU).</param>
    /// <param name="registered">True when io_uring may register buffers and files here (probed).</param>
    public static IReadOnlyList<SubmissionStrategy> For(int ioDepth, int cores, bool registered)
    {
        var uring = new SubmissionStrategy(SubmissionInterface.IoUring, ioDepth > 1, registered, 1);
        var list = new List<SubmissionStrategy> { new(SubmissionInterface.Libaio, ioDepth > 1, false, 1), uring };
        var jobs = Math.Min(Math.Max(1, cores), ioDepth);
        if (jobs > 1)
        {
            list.Add(uring with { Jobs = jobs });
        }
        return list;
    }

    public override string ToString() => Name;
}
