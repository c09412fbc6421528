using System.Text.Json;
using KvmTune.Core.Serialization;

namespace KvmTune.Core.Nova;

/// <summary>
/// What the real nova built (share/nova/nova_disks.py, run with nova's own code): per nova.conf, per case, the disk's
/// source type, driver attributes and XML, or the error nova raised, and nova's log warnings.
/// </summary>
/// <param name="NovaFile">The nova package directory that was imported.</param>
/// <param name="NovaVersion">nova's version string.</param>
/// <param name="LibvirtModule">python3-libvirt, or stub when it is not installed (nova never connects here).</param>
/// <param name="Confs">One result per nova.conf, in the order given.</param>
public sealed record NovaOracleReport(string NovaFile, string NovaVersion, string LibvirtModule, IReadOnlyList<NovaOracleConf> Confs)
{
    /// <summary>Parses the script's JSON; throws <see cref="InputException"/> when it is not the expected document.</summary>
    public static NovaOracleReport Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<NovaOracleReport>(json, JsonConvention.Options)
                ?? throw new InputException($"{source}: empty document");
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}: not the nova_disks.py document: {e.Message}", e);
        }
    }
}

/// <summary>The disks nova built from one nova.conf.</summary>
/// <param name="Conf">The nova.conf path.</param>
/// <param name="LoadError">Why oslo.config could not load the file, or null.</param>
/// <param name="DiskIoModesRegistered">True when <c>[libvirt] disk_io_modes</c> is a registered option (the patch is in).</param>
/// <param name="DiskIoModes">The driver's parsed <c>disk_io_modes</c> (patched nova), or null.</param>
/// <param name="Pybasedir">nova's <c>pybasedir</c>.</param>
/// <param name="StatePath">nova's <c>state_path</c> after interpolation.</param>
/// <param name="InstancesPath">nova's <c>instances_path</c> after interpolation.</param>
/// <param name="DriverError">Why <c>LibvirtDriver.__init__</c> failed, or null.</param>
/// <param name="Disks">One per case.</param>
/// <param name="Warnings">nova's log warnings while building (e.g. "Invalid cachemode …").</param>
public sealed record NovaOracleConf(
    string Conf,
    string? LoadError,
    bool DiskIoModesRegistered,
    IReadOnlyDictionary<string, string>? DiskIoModes,
    string? Pybasedir,
    string? StatePath,
    string? InstancesPath,
    string? DriverError,
    IReadOnlyList<NovaOracleDisk> Disks,
    IReadOnlyList<NovaOracleWarning> Warnings);

/// <summary>One disk nova built, or the error it raised.</summary>
/// <param name="Case">The case (<c>image:qcow2</c>, <c>volume:iscsi</c>).</param>
/// <param name="SourceType">The disk's source type, or null on error.</param>
/// <param name="Driver">The driver attributes, or null on error.</param>
/// <param name="DiskXml">nova's <c>LibvirtConfigGuestDisk.to_xml()</c>, or null on error.</param>
/// <param name="Error">The exception nova raised (<c>Type: message</c>), or null.</param>
/// <param name="Warnings">Warnings logged while building this disk.</param>
public sealed record NovaOracleDisk(string Case, string? SourceType, NovaDriverAttributes? Driver, string? DiskXml, string? Error, IReadOnlyList<string> Warnings);

/// <summary>A log record of level warning or above.</summary>
public sealed record NovaOracleWarning(string Logger, string Level, string Message);
