using System.Globalization;

namespace KvmTune.Core.Measurement;

/// <summary>
/// How busy the host was while a run measured: the load average the probe read before measuring and the one read when
/// the measurement finished (host facts <see cref="HostFactKeys.LoadBefore"/>, <see cref="HostFactKeys.LoadAfter"/>),
/// against the processors there were (<see cref="HostFactKeys.Cores"/>). Other work on the host slows every
/// measurement and widens every interval; a report of a busy run says so.
/// </summary>
/// <param name="Before">1-, 5- and 15-minute load averages before measuring; empty when unknown.</param>
/// <param name="After">The same when the measurement finished; empty when unknown.</param>
/// <param name="Cores">Processors, or null when unknown.</param>
public sealed record HostLoad(IReadOnlyList<double> Before, IReadOnlyList<double> After, int? Cores)
{
    /// <summary>A host is busy when its 1-minute load average exceeded half its processors before or after the run.</summary>
    public const double BusyFraction = 0.5;

    /// <summary>The load of a stored run from its host facts.</summary>
    public static HostLoad From(IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        string? Get(string key) => facts.LastOrDefault(kv => kv.Key == key).Value;
        return new HostLoad(Parse(Get(HostFactKeys.LoadBefore)), Parse(Get(HostFactKeys.LoadAfter)),
            int.TryParse(Get(HostFactKeys.Cores), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cores) && cores > 0 ? cores : null);
    }

    /// <summary>True when the load is known and the 1-minute average exceeded <see cref="BusyFraction"/> of the cores.</summary>
    public bool Busy => Cores is { } cores && new[] { Before, After }.Any(l => l.Count > 0 && l[0] > BusyFraction * cores);

    /// <summary>One sentence for reports, or null when nothing is known.</summary>
    public string? Sentence
    {
        get
        {
            if (Before.Count == 0 && After.Count == 0)
            {
                return null;
            }
            var cores = Cores is { } c ? $" on {c} core{(c == 1 ? "" : "s")}" : "";
            var text = $"load average {Describe(Before)} before measuring, {Describe(After)} after{cores}";
            return Busy
                ? $"The host was busy: {text}. Other work competed for the processors and the storage: figures are lower and intervals wider than on a quiet host; measure again when it is quiet before acting on a close decision."
                : $"The host was quiet: {text}.";
        }
    }

    /// <summary>The form stored as a fact: <c>0.52 0.58 0.59</c>.</summary>
    public static string Format(IReadOnlyList<double> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return string.Join(' ', load.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
    }

    /// <summary>The first three numbers of <c>/proc/loadavg</c> or of a stored fact; empty when there are none.</summary>
    public static IReadOnlyList<double> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var values = new List<double>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3))
        {
            if (!double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < 0)
            {
                return [];
            }
            values.Add(v);
        }
        return values.Count == 3 ? values : [];
    }

    private static string Describe(IReadOnlyList<double> load) => load.Count == 0 ? "unknown" : Format(load);
}
