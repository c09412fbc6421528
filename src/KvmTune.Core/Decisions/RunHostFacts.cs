using System.Text.RegularExpressions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Decisions;

/// <summary>The rule engine's <see cref="HostFacts"/> from a stored run's host facts (<see cref="HostFactKeys"/>).</summary>
public static partial class RunHostFacts
{
    public static HostFacts From(IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        string? Get(string key) => facts.LastOrDefault(kv => kv.Key == key).Value;
        return new HostFacts
        {
            QemuVersion = ParseVersion(Get(HostFactKeys.QemuVersion)),
            LibvirtVersion = ParseVersion(Get(HostFactKeys.LibvirtVersion)),
            IoProbe = Tuning.IoModeCheck.FromFacts(facts),
        };
    }

    /// <summary>The first dotted version in a tool's version text (<c>QEMU emulator version 7.2.15 (Debian …)</c> → 7.2.15).</summary>
    public static Version? ParseVersion(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var m = DottedVersion().Match(text);
        return m.Success && Version.TryParse(m.Value, out var v) ? v : null;
    }

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex DottedVersion();
}
