using System.ComponentModel;
using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Nova;
using KvmTune.Host.Nova;
using KvmTune.Services.Applying;
using KvmTune.Services.Nova;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova apply --conf FILE --policy FILE</c>: turns a tuning policy into nova.conf keys. Per source type the
/// policy's cache becomes a <c>disk_cachemodes</c> entry and its io a <c>disk_io_modes</c> entry (other types' entries
/// are kept); one discard for every type becomes <c>hw_disk_discard</c>; the policy's explicit <c>nova</c> keys are
/// set last. Settings nova cannot express are named.
/// </summary>
internal sealed class NovaApplyCommand(CliOutput output) : AsyncCommand<NovaApplyCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--conf <FILE>", isRequired: true)]
        [Description("nova.conf to edit.")]
        public string Conf { get; init; } = "";

        [CommandOption("--policy <FILE>", isRequired: true)]
        [Description("Policy file written by the advisor.")]
        public string Policy { get; init; } = "";

        [CommandOption("--yes")]
        [Description("Write the file (default: dry run, print the diff only).")]
        public bool Yes { get; init; }

        [CommandOption("--backup-dir <DIR>", IsHidden = true)]
        public string? BackupDir { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var policy = PolicyFiles.Read(settings.Policy);
        var file = NovaConfFile.Load(settings.Conf);
        var conf = file.Parse();
        var (changed, cannot) = Plan(conf, policy);
        var notes = NovaConfEdit.Reminders(changed).Concat(cannot.Select(c => $"nova cannot express: {c}")).ToList();
        var ios = policy.Disks.Where(d => d.Value.Io is not null).ToDictionary(d => d.Key, d => d.Value.Io!);
        if (NovaSimulator.StockCannotSet(conf, NovaHost.Unknown, ios) is { Count: > 0 } needPatch)
        {
            notes.Add(await PatchOffer(needPatch, cancellationToken).ConfigureAwait(false));
        }
        return NovaConfEdit.Commit(output, file, conf, settings.Yes, settings.BackupDir, notes);
    }

    /// <summary>Applies the policy to <paramref name="conf"/>; returns the keys set and what nova cannot express.</summary>
    public static (List<string> Keys, List<string> CannotExpress) Plan(NovaConf conf, TuningPolicy policy)
    {
        var keys = new List<string>();
        var cannot = new List<string>();
        var caches = policy.Disks.Where(d => d.Value.Cache is not null).ToDictionary(d => d.Key, d => d.Value.Cache!);
        var ios = policy.Disks.Where(d => d.Value.Io is not null).ToDictionary(d => d.Key, d => d.Value.Io!);
        if (caches.Count > 0)
        {
            conf.Set("libvirt", "disk_cachemodes", Merge(conf.DiskCacheModes, conf.Option("libvirt", "disk_cachemodes")?.Value, caches));
            keys.Add("disk_cachemodes");
        }
        if (ios.Count > 0)
        {
            conf.Set("libvirt", "disk_io_modes", Merge(conf.DiskIoModes, conf.Option("libvirt", "disk_io_modes")?.Value, ios));
            keys.Add("disk_io_modes");
            cannot.Add($"io per source type ({string.Join(", ", ios.Select(i => $"{i.Key}={i.Value}"))}) without KvmTune's nova patch: stock nova chooses io itself and ignores disk_io_modes");
        }
        var discards = policy.Disks.Where(d => d.Value.Discard is not null).Select(d => (d.Key, d.Value.Discard!)).ToList();
        if (discards.Count > 0)
        {
            var values = discards.Select(d => d.Item2).Distinct().ToList();
            if (values.Count == 1 && values[0] is "ignore" or "unmap")
            {
                conf.Set("libvirt", "hw_disk_discard", values[0]);
                keys.Add("hw_disk_discard");
                cannot.Add($"discard for volumes: hw_disk_discard covers nova's image disks; Cinder volumes get discard from the volume backend (report_discard_supported)");
            }
            else
            {
                cannot.Add($"discard per source type ({string.Join(", ", discards.Select(d => $"{d.Key}={d.Item2}"))}): nova has one hw_disk_discard (ignore|unmap) for image disks");
            }
        }
        var zeroes = policy.Disks.Where(d => d.Value.DetectZeroes is not null).Select(d => $"{d.Key}={d.Value.DetectZeroes}").ToList();
        if (zeroes.Count > 0)
        {
            cannot.Add($"detect_zeroes ({string.Join(", ", zeroes)}): nova has no setting for it");
        }
        foreach (var (section, values) in policy.Nova)
        {
            foreach (var (key, value) in values)
            {
                conf.Set(section, key, value);
                keys.Add(key);
            }
        }
        return (keys, cannot);
    }

    // Whether the local nova already reads disk_io_modes; if not, the patch is what makes the policy's io reach the disks.
    private static async Task<string> PatchOffer(IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        var what = $"stock nova does not give io {string.Join(", ", items)} to every such disk";
        try
        {
            var tree = await NovaPatchService.CheckAsync(new NovaPatchOptions(), cancellationToken).ConfigureAwait(false);
            return tree.State switch
            {
                "patched" => $"{what}; the nova in {tree.NovaDir} is patched and reads disk_io_modes: restart nova-compute",
                "stock" => $"{what}: patch nova so that it reads disk_io_modes: kvmtune nova patch --yes (the nova in {tree.NovaDir} is stock), then restart nova-compute",
                _ => $"{what}; the nova in {tree.NovaDir} cannot be patched by KvmTune ({tree.Reason})",
            };
        }
        catch (Exception e) when (e is InputException or IOException or NovaToolException)
        {
            return $"{what}: on the compute host, kvmtune nova patch --yes makes nova read disk_io_modes (no local nova to check here: {e.Message})";
        }
    }

    private static readonly string[] SourceTypes = ["file", "block", "network"];

    // Replaces the entries of the policy's types in place (dropping later duplicates), keeps the others, appends new
    // types; keeps the file's ", " or "," style.
    private static string Merge(IReadOnlyList<NovaModeEntry> existing, string? raw, Dictionary<string, string> updates)
    {
        var separator = raw is not null && raw.Contains(", ", StringComparison.Ordinal) ? ", " : ",";
        var items = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in existing)
        {
            if (updates.TryGetValue(entry.Type, out var mode) && entry.HasEquals)
            {
                if (done.Add(entry.Type))
                {
                    items.Add($"{entry.Type}={mode}");
                }
                continue;
            }
            items.Add(entry.Text);
        }
        foreach (var type in SourceTypes.Where(updates.ContainsKey).Where(done.Add))
        {
            items.Add($"{type}={updates[type]}");
        }
        return string.Join(separator, items);
    }
}
