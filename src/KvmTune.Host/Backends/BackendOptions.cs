namespace KvmTune.Host.Backends;

/// <summary>Where backends are created: the CLI's <c>--dir</c>, <c>--device</c> (+ confirmation) and <c>--vg</c>.</summary>
public sealed record BackendOptions
{
    /// <summary>The scratch directory (<c>--dir</c>); null = the data directory's <c>scratch</c>.</summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>A block device the user named (<c>--device</c>) for the <c>device</c> backend.</summary>
    public string? Device { get; init; }

    /// <summary>The destructive-confirmation flag's value: must repeat <see cref="Device"/> exactly.</summary>
    public string? ConfirmDevice { get; init; }

    /// <summary>A volume group the user named (<c>--vg</c>) for the <c>lvm</c> backend.</summary>
    public string? VolumeGroup { get; init; }
}
