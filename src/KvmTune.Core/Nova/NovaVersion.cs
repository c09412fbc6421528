using System.Globalization;

namespace KvmTune.Core.Nova;

/// <summary>
/// The nova release whose behaviour the simulator follows. The disk code of nova 26 (Debian 12's python3-nova) and
/// master differ in one place that nova.conf reaches: <c>[libvirt] use_default_aio_mode_for_volumes</c>, added in
/// 33.0.0 (before it, iSCSI, FC and NFS volumes always get <c>io='native'</c>).
/// </summary>
/// <param name="Text">As given or detected (<c>26.2.2</c>, <c>master</c>).</param>
/// <param name="Major">The major version, or null for master.</param>
public sealed record NovaVersion(string Text, int? Major)
{
    /// <summary>The first release with <c>use_default_aio_mode_for_volumes</c>.</summary>
    public const int DefaultAioModeForVolumesSince = 33;

    /// <summary>openstack/nova master (the default).</summary>
    public static NovaVersion Master { get; } = new("master", null);

    /// <summary>True when this nova has <c>[libvirt] use_default_aio_mode_for_volumes</c>.</summary>
    public bool HasDefaultAioModeForVolumes => Major is null or >= DefaultAioModeForVolumesSince;

    /// <summary>Parses <c>master</c> or a version such as <c>26.2.2</c> / <c>2:26.2.2-1~deb12u5</c> (a Debian epoch and revision are dropped).</summary>
    public static NovaVersion Parse(string text, string what = "--nova-version")
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Equals("master", StringComparison.OrdinalIgnoreCase))
        {
            return Master;
        }
        var core = t;
        var colon = core.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            core = core[(colon + 1)..];
        }
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            core = core[..dash];
        }
        var end = 0;
        while (end < core.Length && char.IsAsciiDigit(core[end]))
        {
            end++;
        }
        if (end == 0 || !int.TryParse(core[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var major) || major > 1000)
        {
            throw new InputException($"{what} {text}: expected master or a nova version such as 26.2.2");
        }
        return new NovaVersion(core, major);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
