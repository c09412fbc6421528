using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// How a tie (overlapping confidence intervals) is broken: safety first, then simplicity, then the higher
/// median, then the id (so the choice is deterministic).
/// <para>Safety, safest first: <c>directsync</c> (every write durable, no host page cache, migrates on any QEMU),
/// <c>writethrough</c> (every write durable), <c>none</c> (flush-safe, migrates on any QEMU), <c>writeback</c>
/// (flush-safe, holds guest data in the host page cache), <c>unsafe</c> (ignores flushes, KT010).</para>
/// <para>Simplicity counts the moving parts an operator must set up or keep in mind: one for an io mode other than
/// QEMU's default <c>threads</c>, one for the qcow2 format layer (raw is plain data), one for preallocation, one for
/// a block device (a volume to manage). raw-sparse/none/threads scores 0; loop/none/native scores 3. At equal
/// counts raw goes before qcow2 (no format layer between the guest and its data).</para>
/// </summary>
public static class TieBreaker
{
    /// <summary>Higher is safer.</summary>
    public static int SafetyRank(CacheMode cache) => cache switch
    {
        CacheMode.Directsync => 4,
        CacheMode.Writethrough => 3,
        CacheMode.None => 2,
        CacheMode.Writeback => 1,
        _ => 0,
    };

    /// <summary>Lower is simpler.</summary>
    public static int Complexity(Candidate candidate)
    {
        var cost = candidate.Io == IoMode.Threads ? 0 : 1;
        if (candidate.Backend.Format() == "qcow2")
        {
            cost++;
        }
        if (candidate.Backend.IsPreallocated())
        {
            cost++;
        }
        if (candidate.Backend.IsBlock())
        {
            cost++;
        }
        return cost;
    }

    /// <summary>
    /// Picks the winner of a tie set. <paramref name="median"/> gives each candidate's median (the third key).
    /// Returns the winner and, when the set has more than one member, the sentence saying why.
    /// </summary>
    public static (Candidate Winner, string? Reason) Break(IReadOnlyList<Candidate> tie, Func<Candidate, double> median)
    {
        ArgumentNullException.ThrowIfNull(tie);
        if (tie.Count == 0)
        {
            throw new ArgumentException("empty tie set", nameof(tie));
        }
        var ordered = InPreferenceOrder(tie, c => c, median).ToList();
        if (ordered.Count == 1)
        {
            return (ordered[0], null);
        }
        var winner = ordered[0];
        var runnerUp = ordered[1];
        string why;
        if (SafetyRank(winner.Cache) > SafetyRank(runnerUp.Cache))
        {
            why = $"safer: cache='{winner.Cache.ToLibvirt()}' before cache='{runnerUp.Cache.ToLibvirt()}'";
        }
        else if (Complexity(winner) < Complexity(runnerUp)
                 || FormatLayers(winner) < FormatLayers(runnerUp))
        {
            why = $"equally safe and simpler: {Describe(winner)} before {Describe(runnerUp)}";
        }
        else if (IoMaturity(winner.Io) < IoMaturity(runnerUp.Io))
        {
            why = $"equally safe and simple: io='{winner.Io.ToLibvirt()}' before io='{runnerUp.Io.ToLibvirt()}' " +
                  $"(the older interface: what nova and KubeVirt use for O_DIRECT disks; io_uring has reported hangs in some stacks, {RuleCatalog.IoUringOnLvm.Code})";
        }
        else
        {
            why = "equally safe and simple: the higher median";
        }
        return (winner, $"tie between {string.Join(", ", tie)} (95% confidence intervals overlap); {winner} chosen, {why}");
    }

    /// <summary>
    /// Items in the order a tie is broken: safer cache mode, then fewer non-default settings, then raw before qcow2,
    /// then the older io interface (<see cref="IoMaturity"/>), then the higher median, then the candidate's name.
    /// </summary>
    public static IEnumerable<T> InPreferenceOrder<T>(IEnumerable<T> items, Func<T, Candidate> candidate, Func<T, double> median) =>
        items
            .OrderByDescending(x => SafetyRank(candidate(x).Cache))
            .ThenBy(x => Complexity(candidate(x)))
            .ThenBy(x => FormatLayers(candidate(x)))
            .ThenBy(x => IoMaturity(candidate(x).Io))
            .ThenByDescending(median)
            .ThenBy(x => candidate(x).Id, StringComparer.Ordinal);

    /// <summary>
    /// Among equally simple candidates, the older io interface first: threads (QEMU's default), native (what nova
    /// and KubeVirt use for O_DIRECT disks), io_uring (newer; reported hangs with LVM, krbd, CIFS and old kernels,
    /// KT022). Two candidates that tie and differ only here are equal within the noise; picking by the higher median
    /// would pick at random between runs.
    /// </summary>
    public static int IoMaturity(IoMode io) => io switch
    {
        IoMode.Threads => 0,
        IoMode.Native => 1,
        _ => 2,
    };

    /// <summary>1 for qcow2 (a format layer between guest and data), 0 for raw: the next key after complexity.</summary>
    public static int FormatLayers(Candidate candidate) => candidate.Backend.Format() == "qcow2" ? 1 : 0;

    private static string Describe(Candidate c) =>
        $"{c.Backend.ToName()} with io='{c.Io.ToLibvirt()}' ({Complexity(c)} non-default setting{(Complexity(c) == 1 ? "" : "s")})";
}
