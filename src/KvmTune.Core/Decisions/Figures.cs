using System.Globalization;

namespace KvmTune.Core.Decisions;

/// <summary>How figures are written in rationale lines and reports (invariant culture, three significant digits).</summary>
public static class Figures
{
    /// <summary>98.2k, 1.23M, 512.</summary>
    public static string Count(double value) => Math.Abs(value) switch
    {
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    /// <summary>2.1× (one decimal; two below 1.1 so fractions of the ceiling and near-equal ratios stay visible).</summary>
    public static string Ratio(double ratio) =>
        ratio.ToString(ratio < 1.1 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + "×";

    /// <summary>20% (a fraction as a whole percentage).</summary>
    public static string Percent(double fraction) => fraction.ToString("0%", CultureInfo.InvariantCulture);

    /// <summary>A plain number with up to two decimals.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
