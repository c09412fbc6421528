using System.Globalization;

namespace KvmTune.Core.Decisions;

/// <summary>How much durability the operator requires of a cache mode.</summary>
public enum SafetyLevel
{
    /// <summary>Guest flushes must reach stable storage: every mode except <c>unsafe</c>.</summary>
    Flush,
    /// <summary>Every write is durable without a guest flush: <c>writethrough</c> and <c>directsync</c> only.</summary>
    Sync,
    /// <summary>No requirement: <c>unsafe</c> may win (scratch VMs, CI runners).</summary>
    Any,
}

/// <summary>A workload profile and its weight in the overall ranking.</summary>
public sealed record ProfileWeight(string Profile, double Weight);

/// <summary>
/// What the operator allows and cares about (<c>--safety</c>, <c>--migration</c>, <c>--snapshots</c>,
/// <c>--workload</c>). A frozen value object; <see cref="Default"/> is flush safety, every measured profile weighted 1.
/// </summary>
public sealed record AdvisorConstraints
{
    public static AdvisorConstraints Default { get; } = new();

    public SafetyLevel Safety { get; init; } = SafetyLevel.Flush;

    /// <summary>Only cache modes that live-migrate safely on this host.</summary>
    public bool Migration { get; init; }

    /// <summary>Only backends with internal snapshots (qcow2).</summary>
    public bool Snapshots { get; init; }

    /// <summary>The profiles that count and their weights; empty = every measured profile, weight 1.</summary>
    public IReadOnlyList<ProfileWeight> Workload { get; init; } = [];

    /// <summary>
    /// The practical-equivalence margin (<c>--margin</c>, default 10%): a less safe or less simple candidate wins only
    /// when it is faster by more than this, with 95% confidence (<see cref="Equivalence"/>).
    /// </summary>
    public double Margin { get; init; } = Equivalence.DefaultMargin;

    /// <summary>Decide without the standing recommendation of an earlier run (<c>--fresh</c>, <see cref="StandingRecommendation"/>).</summary>
    public bool Fresh { get; init; }

    /// <summary>
    /// The question these constraints ask, as text: safety, migration, snapshots, the workload with its weights and
    /// the margin (not <see cref="Fresh"/>). A standing recommendation counts only under the same signature.
    /// </summary>
    public string Signature =>
        string.Create(CultureInfo.InvariantCulture,
            $"safety={ToName(Safety)};migration={Migration};snapshots={Snapshots};workload={string.Join(',', Workload.Select(w => $"{w.Profile}={w.Weight:R}"))};margin={Margin:R}");

    /// <summary>
    /// Parses <c>--margin</c>: a fraction (<c>0.1</c>) or a percentage (<c>10%</c>) from 0 to 100%; throws
    /// <see cref="InputException"/> on anything else.
    /// </summary>
    public static double ParseMargin(string? text)
    {
        var t = (text ?? "").Trim();
        var percent = t.EndsWith('%');
        if (percent)
        {
            t = t[..^1].TrimEnd();
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new InputException($"--margin {text}: not a number (examples: 10%, 0.1)");
        }
        value = percent ? value / 100 : value;
        return value is >= 0 and <= 1 ? value : throw new InputException($"--margin {text}: must be between 0 and 100%");
    }

    /// <summary>The libvirt spelling of the safety level (<c>flush</c>, <c>sync</c>, <c>any</c>).</summary>
    public static string ToName(SafetyLevel level) => level.ToString().ToLowerInvariant();

    /// <summary>Parses <c>--safety</c>; throws <see cref="InputException"/> on anything else.</summary>
    public static SafetyLevel ParseSafety(string? text) => text switch
    {
        null or "" or "flush" => SafetyLevel.Flush,
        "sync" => SafetyLevel.Sync,
        "any" => SafetyLevel.Any,
        _ => throw new InputException($"--safety: unknown level '{text}' (expected flush, sync or any)"),
    };

    /// <summary>
    /// Parses <c>--workload PROFILE[=weight],…</c>; throws <see cref="InputException"/> naming the bad entry.
    /// Profile names are checked against the measured ones later, by the advisor.
    /// </summary>
    public static IReadOnlyList<ProfileWeight> ParseWorkload(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var weights = new List<ProfileWeight>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? raw : raw[..eq].Trim();
            var weight = 1.0;
            if (eq >= 0 && (!double.TryParse(raw[(eq + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out weight)
                            || !double.IsFinite(weight) || weight <= 0))
            {
                throw new InputException($"--workload: '{raw}': the weight must be a positive number");
            }
            if (name.Length == 0)
            {
                throw new InputException($"--workload: '{raw}': missing profile name");
            }
            if (weights.Any(w => w.Profile == name))
            {
                throw new InputException($"--workload: profile '{name}' is listed twice");
            }
            weights.Add(new ProfileWeight(name, weight));
        }
        return weights;
    }
}
