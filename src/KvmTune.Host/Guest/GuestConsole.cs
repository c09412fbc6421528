using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmTune.Host.Guest;

/// <summary>What the micro-VM printed on its serial console, read back from the log file.</summary>
public sealed partial class GuestConsole
{
    private readonly string[] _lines;

    public GuestConsole(string text)
    {
        Text = text;
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
    }

    /// <summary>The whole console text.</summary>
    public string Text { get; }

    public static GuestConsole Read(string path) => new(File.Exists(path) ? File.ReadAllText(path) : "");

    /// <summary>
    /// The fio JSON between the markers, or null. Kernel messages (<c>[    3.1] …</c>) that slipped in between
    /// are dropped; the JSON starts at its first <c>{</c> (fio may print notes before it).
    /// </summary>
    public string? FioJson
    {
        get
        {
            var begin = Array.FindIndex(_lines, l => l.Trim() == InitramfsBuilder.FioBegin);
            if (begin < 0)
            {
                return null;
            }
            var end = Array.FindIndex(_lines, begin + 1, l => l.Trim() == InitramfsBuilder.FioEnd);
            if (end < 0)
            {
                return null;
            }
            var body = string.Join('\n', _lines[(begin + 1)..end].Where(l => !KernelMessage().IsMatch(l)));
            var brace = body.IndexOf('{', StringComparison.Ordinal);
            return brace < 0 ? null : body[brace..].TrimEnd() + "\n";
        }
    }

    /// <summary>The reason the guest printed after the error marker, or null.</summary>
    public string? Error => _lines.Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(InitramfsBuilder.ErrorMarker, StringComparison.Ordinal))
        ?[InitramfsBuilder.ErrorMarker.Length..].Trim();

    /// <summary>Guest uptime in seconds when /init started, or null.</summary>
    public double? InitUptime => Uptime(InitramfsBuilder.InitMarker);

    /// <summary>Guest uptime in seconds when /dev/vda was ready and fio started, or null.</summary>
    public double? ReadyUptime => Uptime(InitramfsBuilder.ReadyMarker);

    /// <summary>The last <paramref name="count"/> non-empty lines, for failure reports.</summary>
    public IReadOnlyList<string> LastLines(int count) =>
        _lines.Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(count).ToList();

    private double? Uptime(string marker)
    {
        var line = _lines.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
        return line is not null && double.TryParse(line[marker.Length..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    [GeneratedRegex(@"^\s*\[\s*\d+\.\d+\]\s")]
    private static partial Regex KernelMessage();
}
