using System.Text.Json;
using KvmTune.Core.Nova;
using KvmTune.Core.Serialization;

namespace KvmTune.Tests.Shared;

/// <summary>
/// What the real nova (Debian's python3-nova, through share/nova/nova_disks.py) built for each nova.conf of a grid,
/// recorded by the CLI project's <c>NovaDifferentialTests</c> (which also checks, on every run, that nova still
/// builds exactly this) and replayed by the Core project's <c>NovaRecordedGridTests</c> against
/// <see cref="NovaSimulator"/> alone. Paths are written as the installed nova gives them: the patched tree's
/// temporary copy appears as <see cref="SitePackages"/>, the nova.conf files by name only.
/// </summary>
/// <param name="Phase">stock or patched.</param>
/// <param name="NovaVersion">nova's version string.</param>
/// <param name="Patched">True when nova carried KvmTune's disk_io_modes patch.</param>
/// <param name="Confs">One per nova.conf, in grid order.</param>
internal sealed record NovaRecordedGrid(string Phase, string NovaVersion, bool Patched, IReadOnlyList<NovaRecordedConf> Confs)
{
    /// <summary>Where Debian installs nova's Python package directory's parent.</summary>
    public const string SitePackages = "/usr/lib/python3/dist-packages";

    /// <summary>The recorded file in the repository (Core test fixtures).</summary>
    public static string SourcePath(string phase) =>
        Path.Combine(RepoPaths.Root, "tests", "KvmTune.Core.Tests", "Fixtures", "nova", "recorded", $"{phase}.json");

    /// <summary>Reads a recorded grid.</summary>
    public static NovaRecordedGrid Load(string path) =>
        JsonSerializer.Deserialize<NovaRecordedGrid>(File.ReadAllText(path), JsonConvention.Options)
        ?? throw new InvalidDataException($"{path}: empty");

    /// <summary>The text the file holds.</summary>
    public string ToText() => JsonConvention.Serialize(this).ReplaceLineEndings("\n") + "\n";

    /// <summary>
    /// Whether KvmTune's steps for a disk say nova's native→threads fallback happens (nova logs it as a warning):
    /// stock nova always falls back for native on a host-cached disk; the patched nova too, unless disk_io_modes set
    /// the io.
    /// </summary>
    public static bool PredictsNativeFallback(IReadOnlyList<string> steps, bool patched) => patched
        ? steps.Any(s => s.Contains("still falls back", StringComparison.Ordinal)) ||
          (steps.Any(s => s.Contains("silently downgrades", StringComparison.Ordinal)) && !steps.Any(s => s.StartsWith("disk_io_modes ", StringComparison.Ordinal)))
        : steps.Any(s => s.Contains("silently downgrades", StringComparison.Ordinal));
}

/// <summary>One nova.conf of a recorded grid: its name, its text and what nova built from it.</summary>
internal sealed record NovaRecordedConf(string Name, string Text, NovaOracleConf Nova);
