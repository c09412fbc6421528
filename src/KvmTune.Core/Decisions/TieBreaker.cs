using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// The order in which equivalent candidates (<see cref="Equivalence"/>) are preferred: safety first, then simplicity,
/// then the older io interface, then the higher median, then the name (so the choice is deterministic).
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
    /// Why <paramref name="winner"/> was chosen from the equivalent set <paramref name="tie"/> (candidates no other
    /// beats by more than <paramref name="margin"/>, see <see cref="Equivalence"/>): null when the set has one member.
    /// <paramref name="median"/> gives each candidate's median (the key after safety, simplicity and io).
    /// </summary>
    public static string? Explain(IReadOnlyList<Candidate> tie, Candidate winner, Func<Candidate, double> median, double margin)
    {
        ArgumentNullException.ThrowIfNull(tie);
        ArgumentNullException.ThrowIfNull(winner);
        if (tie.Count <= 1)
        {
            return null;
        }
        var runnerUp = InPreferenceOrder(tie.Where(c => c != winner), c => c, median).First();
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
        return $"equivalent within {Figures.Percent(margin)}: {string.Join(", ", tie)} (no candidate is faster than any of them by more than " +
               $"{Figures.Percent(margin)} with 95% confidence); {winner} chosen, {why}";
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
