using System.Globalization;
using KvmTune.Core.Decisions;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>How figures are written in report tables (shared by the Markdown and HTML exporters).</summary>
internal static class Cells
{
    public static string Count(double? value) => value is { } v ? Figures.Count(v) : "–";

    public static string Ratio(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    public static string Interval(double median, double low, double high) =>
        $"{Figures.Count(median)} [{Figures.Count(low)}–{Figures.Count(high)}]";

    public static string Latency(double? us) => us is { } v ? v.ToString(v >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) : "–";

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Weight(double w) => Figures.Number(w);

    public static string Constraints(ConstraintsRow c) =>
        $"safety {c.Safety}, migration {(c.Migration ? "required" : "not required")}, internal snapshots {(c.Snapshots ? "required" : "not required")}";

    public static string Workload(ConstraintsRow c) =>
        c.Workload.Count == 0 ? "none measured" : string.Join(", ", c.Workload.Select(w => $"{w.Profile}={Weight(w.Weight)}"));

    /// <summary>Mean of the first and the last three seconds: a text view of the burst-vs-sustained chart.</summary>
    public static (double First, double Last) Ends(IReadOnlyList<double> perSecond)
    {
        var k = Math.Min(3, perSecond.Count);
        return (perSecond.Take(k).Average(), perSecond.Skip(perSecond.Count - k).Average());
    }

    public static string Duration(double? seconds) => seconds is { } s ? s.ToString("0", CultureInfo.InvariantCulture) + " s" : "running";

    public static string Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";
}
