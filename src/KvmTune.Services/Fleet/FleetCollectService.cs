using System.Text.RegularExpressions;
using KvmTune.Core;
using KvmTune.Core.Fleet;
using KvmTune.Core.Input;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using KvmTune.Host;
using KvmTune.Host.Input;
using KvmTune.Host.Probing;
using KvmTune.Services.Stores;

namespace KvmTune.Services.Fleet;

/// <summary>What <c>fleet collect</c> is asked to read on this host.</summary>
/// <param name="Db">The results store (<c>--db</c>; null: the environment, config file or default).</param>
/// <param name="NovaConf">nova.conf (<c>--nova-conf</c>); a missing default file is a note, not an error.</param>
/// <param name="NovaConfGiven">True when the user named <paramref name="NovaConf"/>: then it must exist.</param>
/// <param name="Connect">The libvirt URI of this host's domains (<c>qemu:///system</c> by default).</param>
/// <param name="ScratchDirectory">Where this host's runs measure (<c>--dir</c>): the storage fingerprinted.</param>
public sealed record FleetCollectRequest(string? Db, string NovaConf, bool NovaConfGiven, string Connect, string? ScratchDirectory);

/// <summary>What was stored: the host, its state and the state's id in the store.</summary>
public sealed record FleetCollectResult(string Store, HostIdentity Host, HostState State, long Id);

/// <summary>
/// <c>kvmtune fleet collect</c>: the disk settings in force on this host — what nova.conf makes nova write for its
/// configured image backend (the <c>nova explain</c> summary) and each defined domain's disks (the <c>explain</c> and
/// <c>lint</c> summaries) — stored with the host's identity into the results store, for <c>fleet report</c>'s drift.
/// </summary>
public static partial class FleetCollectService
{
    public const string DefaultNovaConf = "/etc/nova/nova.conf";

    public static async Task<FleetCollectResult> CollectAsync(FleetCollectRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var directory = request.ScratchDirectory ?? Path.Combine(DataDirectory.Path, "scratch");
        var host = await HostProbe.IdentifyAsync(directory, cancellationToken).ConfigureAwait(false);
        var settings = new List<SettingInForce>();
        var notes = new List<string>();
        ReadNova(request, settings, notes);
        var (errors, warnings, codes) = ReadDomains(request.Connect, settings, notes);
        var state = new HostState(settings, errors, warnings, codes, notes);
        using var store = RunStores.OpenForWriting(request.Db);
        var id = store.AddHostState(host, DateTimeOffset.UtcNow, state);
        return new FleetCollectResult(store.Location, host, state, id);
    }

    private static void ReadNova(FleetCollectRequest request, List<SettingInForce> settings, List<string> notes)
    {
        if (!File.Exists(request.NovaConf))
        {
            if (request.NovaConfGiven)
            {
                throw new InputException($"--nova-conf {request.NovaConf}: no such file");
            }
            notes.Add($"{request.NovaConf}: no such file (not a nova compute host?)");
            return;
        }
        var bytes = InputFiles.ReadBytes(request.NovaConf, InputLimits.NovaConfBytes, "nova.conf");
        var conf = NovaConf.Parse(InputText.DecodeUtf8(bytes, request.NovaConf, keepByteOrderMark: false), request.NovaConf);
        var explanation = NovaSimulator.Explain(conf, NovaHost.Unknown);
        foreach (var disk in explanation.Disks.Where(d => d.Configured))
        {
            settings.Add(new SettingInForce("nova", disk.Case, Attribute(disk.Driver, "cache"), Attribute(disk.Driver, "io")));
        }
    }

    private static (int Errors, int Warnings, IReadOnlyList<string> Codes) ReadDomains(string uri, List<SettingInForce> settings, List<string> notes)
    {
        var query = new HostQuery([uri], null, [], [], All: true);
        var explained = ExplainService.Run([], TextReader.Null, query).Hosts?.SingleOrDefault();
        if (explained is { Failed: true })
        {
            notes.Add(explained.Error!);
            return (0, 0, []);
        }
        foreach (var domain in explained?.Value ?? [])
        {
            foreach (var disk in domain.Explanation.Disks.Where(d => d.Device == "disk"))
            {
                settings.Add(new SettingInForce("libvirt", $"{domain.Explanation.Domain ?? domain.Origin}/{disk.Disk}", disk.EffectiveCache?.ToLibvirt(), disk.EffectiveIo));
            }
        }
        var linted = LintService.Run([], TextReader.Null, query).All.ToList();
        return (
            linted.Sum(d => d.Count(Severity.Error)),
            linted.Sum(d => d.Count(Severity.Warning)),
            [.. linted.SelectMany(d => d.Findings).Select(f => f.Finding.Code).Distinct().Order(StringComparer.Ordinal)]);
    }

    private static string? Attribute(string driver, string name)
    {
        var match = DriverAttribute().Matches(driver).FirstOrDefault(m => m.Groups[1].Value == name);
        return match?.Groups[2].Value;
    }

    [GeneratedRegex("""\b([a-z_]+)=['"]([^'"]*)['"]""")]
    private static partial Regex DriverAttribute();
}
