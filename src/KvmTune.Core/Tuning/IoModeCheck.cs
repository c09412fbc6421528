using System.Globalization;

namespace KvmTune.Core.Tuning;

/// <summary>How a short write/flush/read cycle through QEMU's block layer went.</summary>
public enum IoCheckOutcome
{
    /// <summary>Written, flushed and read back with the pattern intact.</summary>
    Passed,

    /// <summary>QEMU refused to open the image or an operation failed.</summary>
    Error,

    /// <summary>No answer within the watchdog's time: the process was killed.</summary>
    Hang,

    /// <summary>The cycle completed but the data read back was not the data written.</summary>
    WrongData,
}

/// <summary>
/// The io probe's result for one backend, cache mode and aio mode on this host: QEMU's block layer (<c>qemu-io</c>,
/// the code a VM's QEMU runs) opened the scratch image with those modes under a watchdog, wrote a pattern, flushed,
/// and read it back. Proxmox and LXD keep io_uring off where hangs were reported (LVM, krbd with a host cache, CIFS,
/// kernels before 5.13); this measures the combination on this host instead. A combination that did not pass is
/// excluded from the plan (<see cref="BenchPlanner.Exclude"/>) with this as its measured reason, and KT022 cites it.
/// </summary>
/// <param name="Backend">The backend the image was.</param>
/// <param name="Cache">The cache mode.</param>
/// <param name="Io">The aio mode (io_uring or native).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Seconds">How long the cycle took (the watchdog's time for a hang).</param>
/// <param name="Detail">QEMU's message for an error or wrong data; empty when it passed.</param>
public sealed record IoModeCheck(Backend Backend, CacheMode Cache, IoMode Io, IoCheckOutcome Outcome, double Seconds, string Detail = "")
{
    /// <summary>The code a candidate excluded by the probe is skipped with.</summary>
    public const string Code = "io-probe";

    /// <summary>The prefix of the host facts that hold the probe's results (<c>io_probe.raw-prealloc/none/io_uring</c>).</summary>
    public const string FactPrefix = "io_probe.";

    /// <summary>True when the cycle passed.</summary>
    public bool Passed => Outcome == IoCheckOutcome.Passed;

    /// <summary>The combination in libvirt's spelling: <c>raw-prealloc/none/io_uring</c>.</summary>
    public string Combination => $"{Backend.ToName()}/{Cache.ToLibvirt()}/{Io.ToLibvirt()}";

    /// <summary>True when the check is about <paramref name="candidate"/>'s backend, cache and aio mode.</summary>
    public bool Covers(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Backend == Backend && candidate.Cache == Cache && candidate.Io == Io;
    }

    /// <summary>The outcome's stable name: <c>passed</c>, <c>error</c>, <c>hang</c>, <c>wrong-data</c>.</summary>
    public static string Name(IoCheckOutcome outcome) => outcome switch
    {
        IoCheckOutcome.Passed => "passed",
        IoCheckOutcome.Error => "error",
        IoCheckOutcome.Hang => "hang",
        _ => "wrong-data",
    };

    /// <summary>One sentence: <c>io='io_uring' with cache='none' on raw-prealloc: write, flush and read back passed in 0.04 s</c>.</summary>
    public string Sentence => Outcome switch
    {
        IoCheckOutcome.Passed => $"io='{Io.ToLibvirt()}' with cache='{Cache.ToLibvirt()}' on {Backend.ToName()}: write, flush and read back passed in {Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
        IoCheckOutcome.Hang => $"io='{Io.ToLibvirt()}' with cache='{Cache.ToLibvirt()}' on {Backend.ToName()}: no answer within {Seconds.ToString("0", CultureInfo.InvariantCulture)} s (hang)",
        IoCheckOutcome.WrongData => $"io='{Io.ToLibvirt()}' with cache='{Cache.ToLibvirt()}' on {Backend.ToName()}: the data read back differs from the data written ({Detail})",
        _ => $"io='{Io.ToLibvirt()}' with cache='{Cache.ToLibvirt()}' on {Backend.ToName()}: failed ({Detail})",
    };

    /// <summary>The host fact that stores the check: <c>io_probe.raw-prealloc/none/io_uring</c> = <c>passed 0.04 s</c>.</summary>
    public KeyValuePair<string, string> ToFact()
    {
        var value = $"{Name(Outcome)} {Seconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        return new(FactPrefix + Combination, Detail.Length == 0 ? value : $"{value}: {Detail}");
    }

    /// <summary>The checks stored in a run's host facts (<see cref="ToFact"/>); facts that are not checks are ignored.</summary>
    public static IReadOnlyList<IoModeCheck> FromFacts(IEnumerable<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var checks = new List<IoModeCheck>();
        foreach (var (key, value) in facts)
        {
            if (!key.StartsWith(FactPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var parts = key[FactPrefix.Length..].Split('/');
            var words = value.Split(' ', 3);
            if (parts.Length != 3 || words.Length < 2
                || Backends.Parse(parts[0]) is not { } backend || CacheModes.Parse(parts[1]) is not { } cache || IoModes.Parse(parts[2]) is not { } io
                || ParseOutcome(words[0]) is not { } outcome
                || !double.TryParse(words[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                continue;
            }
            var detail = words.Length == 3 && words[2].StartsWith("s: ", StringComparison.Ordinal) ? words[2][3..] : "";
            checks.Add(new IoModeCheck(backend, cache, io, outcome, seconds, detail));
        }
        return checks;
    }

    private static IoCheckOutcome? ParseOutcome(string text) => text switch
    {
        "passed" => IoCheckOutcome.Passed,
        "error" => IoCheckOutcome.Error,
        "hang" => IoCheckOutcome.Hang,
        "wrong-data" => IoCheckOutcome.WrongData,
        _ => null,
    };
}
