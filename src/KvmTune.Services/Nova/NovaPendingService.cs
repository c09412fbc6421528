using KvmTune.Core;
using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Nova;
using KvmTune.Core.Nova.Patching;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;
using KvmTune.Host.Nova;

namespace KvmTune.Services.Nova;

/// <summary>Whether the nova that regenerates the domains reads <c>disk_io_modes</c>.</summary>
public enum NovaPatchAssumption
{
    /// <summary>Look at the local nova tree (stock when there is none).</summary>
    Auto,

    /// <summary>The compute host's nova is patched.</summary>
    Patched,

    /// <summary>The compute host's nova is stock.</summary>
    Stock,
}

/// <summary>The options of <see cref="NovaPendingService.FindAsync"/>.</summary>
/// <param name="Uri">libvirt URI (null: the default).</param>
/// <param name="Conf">nova.conf as nova-compute reads it.</param>
/// <param name="ConfPath">Its path, for the report.</param>
/// <param name="DirectIo">O_DIRECT support of instances_path, when probed.</param>
/// <param name="Version">The nova release to follow.</param>
/// <param name="Patch">Whether nova reads disk_io_modes.</param>
public sealed record NovaPendingOptions(string? Uri, NovaConf Conf, string ConfPath, bool? DirectIo, NovaVersion Version, NovaPatchAssumption Patch);

/// <summary>The instances whose disks differ from what nova generates now.</summary>
/// <param name="Uri">The libvirt URI.</param>
/// <param name="Conf">The nova.conf compared with.</param>
/// <param name="DiskIoModesHonoured">True when nova reads disk_io_modes (patched).</param>
/// <param name="DiskIoModesBecause">How that was decided.</param>
/// <param name="Domains">Domains looked at.</param>
/// <param name="Instances">The nova instances among them, each with its disks.</param>
public sealed record NovaPendingReport(string Uri, string Conf, bool DiskIoModesHonoured, string DiskIoModesBecause, int Domains, IReadOnlyList<NovaPendingInstance> Instances)
{
    /// <summary>The instances a hard reboot would change.</summary>
    public IReadOnlyList<NovaPendingInstance> Pending => Instances.Where(i => i.NeedsHardReboot).ToList();
}

/// <summary>
/// <c>kvmtune nova pending</c>: for every nova-managed domain of a libvirt connection, the disks nova would generate
/// now from nova.conf (and the patch) against the persistent XML and the running QEMU process.
/// </summary>
public static class NovaPendingService
{
    /// <summary>Lists the nova instances and what a hard reboot would change on each.</summary>
    public static async Task<NovaPendingReport> FindAsync(NovaPendingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (honoured, because) = await Honoured(options, cancellationToken).ConfigureAwait(false);
        var explanation = NovaSimulator.Explain(options.Conf, new NovaHost(options.DirectIo, HostFacts.Unknown, null, options.Version));
        using var connection = LibvirtInput.Open(options.Uri, readWrite: false);
        var domains = connection.ListAllDomains();
        var instances = new List<NovaPendingInstance>();
        var gone = 0;
        try
        {
            var local = QemuProcess.IsLocal(connection.RequestedUri);
            foreach (var domain in domains)
            {
                bool running;
                DomainDocument? live;
                DomainDocument persistent;
                try
                {
                    running = domain.IsActive;
                    live = running ? DomainDocument.Parse(domain.LiveXml, $"{domain.Name} (live)") : null;
                    persistent = domain.IsPersistent ? DomainDocument.Parse(domain.PersistentXml, $"{domain.Name} (persistent)") : live!;
                }
                catch (LibvirtNoDomainException)
                {
                    // Undefined (an instance deleted), or a transient domain that stopped, since the listing: gone, not an error.
                    gone++;
                    continue;
                }
                if (!persistent.IsNovaManaged)
                {
                    continue;
                }
                var qemu = running ? QemuProcess.Read(domain.Name, local) : new RunningQemu(null, null, null);
                instances.Add(NovaPending.Compare(persistent, running, live,
                    disk => qemu.CommandLine is null ? null : QemuDiskSettings.From(qemu.CommandLine, disk),
                    qemu.Note, explanation, options.Conf, honoured));
            }
        }
        catch (LibvirtException e)
        {
            throw new InputException($"{connection.RequestedUri}: {e.Message}", e);
        }
        finally
        {
            foreach (var d in domains)
            {
                d.Dispose();
            }
        }
        return new NovaPendingReport(connection.RequestedUri, options.ConfPath, honoured, because, domains.Count - gone, instances);
    }

    private static async Task<(bool, string)> Honoured(NovaPendingOptions options, CancellationToken cancellationToken)
    {
        switch (options.Patch)
        {
            case NovaPatchAssumption.Patched:
                return (true, "--patched yes");
            case NovaPatchAssumption.Stock:
                return (false, "--patched no");
        }
        if (options.Conf.DiskIoModes.Count == 0)
        {
            return (false, "nova.conf sets no disk_io_modes");
        }
        try
        {
            var tree = await NovaTree.LocateAsync(null, cancellationToken).ConfigureAwait(false);
            var detection = tree.Detect(NovaPatchService.LoadPatches());
            return detection.State == NovaPatchState.Patched
                ? (true, $"{tree.PackageDirectory} is patched")
                : (false, $"{tree.PackageDirectory} is {detection.StateText}: nova ignores disk_io_modes");
        }
        catch (InputException e)
        {
            return (false, $"no local nova to look at ({e.Message}); pass --patched yes if the compute host's nova is patched");
        }
    }
}
