using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Core.Rules;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune explain FILE…</c>: per disk, what its cache and io settings mean and imply for QEMU.</summary>
internal sealed class ExplainCommand(CliOutput output) : Command<ExplainCommand.Settings>
{
    internal sealed class Settings : DomainInputSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate() =>
            Format is not ("table" or "json")
                ? ValidationResult.Error($"--format '{Format}': expected table or json")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Load and check every input before writing anything.
        var source = settings.CreateSource(output.In);
        var domains = source.Read();
        var facts = DomainInputSettings.HostFactsFor(source);
        var explained = domains.Select(d => (Origin: d.Label, Explanation: DiskExplainer.Explain(d.Document, facts))).ToList();
        if (settings.Format == "json")
        {
            output.Out.WriteLine(ToJson(explained).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            foreach (var (origin, explanation) in explained)
            {
                Render(origin, explanation);
            }
        }
        return ExitCodes.Ok;
    }

    internal static JsonObject ToJson(IEnumerable<(string Origin, DomainExplanation Explanation)> explained) => new()
    {
        ["results"] = new JsonArray(explained.Select(e => (JsonNode)new JsonObject
        {
            ["file"] = e.Origin,
            ["domain"] = e.Explanation.Domain,
            ["disks"] = new JsonArray(e.Explanation.Disks.Select(d => (JsonNode)DiskJson(d)).ToArray()),
            ["findings"] = FindingsJson(e.Explanation.DomainFindings),
        }).ToArray()),
    };

    private static JsonObject DiskJson(DiskExplanation d) => new()
    {
        ["disk"] = d.Disk,
        ["bus"] = d.Bus,
        ["device"] = d.Device,
        ["type"] = d.Type,
        ["source"] = d.Source,
        ["format"] = d.Format,
        ["cache"] = new JsonObject
        {
            ["value"] = d.Cache,
            ["effective"] = d.EffectiveCache is { } c ? Core.Tuning.CacheModes.ToLibvirt(c) : null,
            ["default"] = d.CacheIsDefault,
            ["writeback"] = d.CacheSemantics?.Writeback,
            ["direct"] = d.CacheSemantics?.Direct,
            ["noFlush"] = d.CacheSemantics?.NoFlush,
            ["meaning"] = d.CacheMeaning,
        },
        ["io"] = new JsonObject
        {
            ["value"] = d.Io,
            ["effective"] = d.EffectiveIo,
            ["meaning"] = d.IoMeaning,
            ["iothreads"] = new JsonArray(d.IoThreads.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        },
        ["discard"] = new JsonObject { ["value"] = d.Discard, ["meaning"] = d.DiscardMeaning },
        ["detectZeroes"] = new JsonObject { ["value"] = d.DetectZeroes, ["meaning"] = d.DetectZeroesMeaning },
        ["crashSafety"] = new JsonObject { ["class"] = d.CrashSafety.Name(), ["detail"] = d.CrashSafetyDetail },
        ["migrationSafety"] = new JsonObject { ["class"] = d.MigrationSafety.Name(), ["detail"] = d.MigrationSafetyDetail },
        ["qemu"] = new JsonObject
        {
            ["cacheDirect"] = d.Qemu.CacheDirect,
            ["cacheNoFlush"] = d.Qemu.CacheNoFlush,
            ["aio"] = d.Qemu.Aio,
            ["writeCache"] = d.Qemu.WriteCache,
            ["discard"] = d.Qemu.Discard,
            ["detectZeroes"] = d.Qemu.DetectZeroes,
            ["blockdev"] = d.Qemu.Blockdev,
            ["device"] = d.Qemu.Device,
            ["hasMedium"] = d.Qemu.HasMedium,
        },
        ["findings"] = FindingsJson(d.Findings),
    };

    private static JsonArray FindingsJson(IEnumerable<Finding> findings) =>
        new(findings.Select(f => (JsonNode)new JsonObject
        {
            ["code"] = f.Code,
            ["severity"] = f.SeverityText,
            ["disk"] = f.Disk,
            ["message"] = f.Message,
            ["fix"] = f.Fix,
        }).ToArray());

    private void Render(string origin, DomainExplanation explanation)
    {
        var console = output.Console;
        console.Write(new Rule($"[bold]{Markup.Escape(explanation.Domain ?? "(unnamed domain)")}[/] [grey]{Markup.Escape(origin)}[/]").LeftJustified());
        if (explanation.Disks.Count == 0)
        {
            console.MarkupLine("[grey]no disks[/]");
        }
        foreach (var d in explanation.Disks)
        {
            var table = new Table().Border(TableBorder.Rounded).HideHeaders()
                .Title($"[bold]{Markup.Escape(d.Disk)}[/] ({Markup.Escape(d.Device)}, {Markup.Escape(d.Bus ?? "no bus")})")
                .AddColumn("field").AddColumn("value");
            void Row(string field, string? value) => table.AddRow(new Text(field), new Text(value ?? "-"));
            Row("source", $"{d.Type ?? "?"}: {d.Source ?? "(none)"}");
            Row("format", d.Format ?? "unset");
            Row("cache", d.Cache is null ? d.CacheMeaning : $"cache='{d.Cache}' — {d.CacheMeaning}");
            Row("io", d.Io is null ? d.IoMeaning : $"io='{d.Io}' — {d.IoMeaning}");
            if (d.IoThreads.Count > 0)
            {
                Row("iothreads", string.Join(", ", d.IoThreads));
            }
            Row("discard", d.Discard is null ? d.DiscardMeaning : $"discard='{d.Discard}' — {d.DiscardMeaning}");
            Row("detect_zeroes", d.DetectZeroes is null ? d.DetectZeroesMeaning : $"detect_zeroes='{d.DetectZeroes}' — {d.DetectZeroesMeaning}");
            Row("crash safety", d.CrashSafetyDetail);
            Row("migration", d.MigrationSafetyDetail);
            Row("qemu -blockdev", d.Qemu.Blockdev ?? "none (empty drive)");
            Row("qemu -device", d.Qemu.Device ?? "write-cache default (on)");
            Row("findings", d.Findings.Count == 0
                ? "none"
                : string.Join("\n", d.Findings.Select(f => $"{f.Code} {f.SeverityText}: {f.Message}")));
            console.Write(table);
        }
        foreach (var f in explanation.DomainFindings)
        {
            console.WriteLine($"{f.Code} {f.SeverityText}: {f.Message}");
        }
    }
}
