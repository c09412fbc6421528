using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmTune.Host.Backends;

/// <summary>
/// The names KvmTune gives what it creates, so that leftovers of a killed run can be recognised:
/// <c>kvmtune-&lt;backend&gt;-&lt;pid&gt;-&lt;n&gt;.img</c> files, a <c>kvmtune-&lt;pid&gt;.owner</c> marker per scratch
/// directory, and <c>kvmtune-&lt;pid&gt;-&lt;n&gt;</c> logical volumes.
/// </summary>
public static partial class ScratchNames
{
    public const string Prefix = "kvmtune-";

    public static string ImageFile(string backend, int pid, int sequence) => $"{Prefix}{backend}-{pid}-{sequence}.img";

    public static string OwnerMarker(int pid) => $"{Prefix}{pid}.owner";

    public static string LogicalVolume(int pid, int sequence) => $"{Prefix}{pid}-{sequence}";

    /// <summary>The pid in a scratch image file name, or null when the name is not one of KvmTune's.</summary>
    public static int? PidOfImageFile(string fileName) => PidOf(ImagePattern().Match(fileName));

    /// <summary>The record of a loop device's image (<see cref="ScratchLoopRecord"/>): the image's name + <c>.loop</c>.</summary>
    public static string LoopRecord(string imageFileName) => imageFileName + ".loop";

    /// <summary>The pid in a loop record's file name, or null.</summary>
    public static int? PidOfLoopRecord(string fileName) =>
        fileName.EndsWith(".loop", StringComparison.Ordinal) ? PidOfImageFile(fileName[..^".loop".Length]) : null;

    /// <summary>The pid in an owner marker file name, or null.</summary>
    public static int? PidOfOwnerMarker(string fileName) => PidOf(MarkerPattern().Match(fileName));

    /// <summary>The pid in a logical volume name, or null.</summary>
    public static int? PidOfLogicalVolume(string name) => PidOf(VolumePattern().Match(name));

    private static int? PidOf(Match match) =>
        match.Success && int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    [GeneratedRegex(@"^kvmtune-[a-z0-9]+(-[a-z0-9]+)*?-(?<pid>\d+)-\d+\.img$")]
    private static partial Regex ImagePattern();

    [GeneratedRegex(@"^kvmtune-(?<pid>\d+)\.owner$")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"^kvmtune-(?<pid>\d+)-\d+$")]
    private static partial Regex VolumePattern();
}
