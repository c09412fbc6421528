using System.ComponentModel;
using KvmTune.Cli.Json;
using KvmTune.Cli.Settings;
using KvmTune.Core.Rules;
using KvmTune.Core.Serialization;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune explain FILE… | --domain NAME | --all</c>: per disk, what its cache and io settings mean and imply for QEMU.</summary>
internal sealed class ExplainCommand(CliOutput output) : Command<ExplainCommand.Settings>
{
    internal sealed class Settings : DomainInputSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Load and check every input before writing anything.
        var report = ExplainService.Run(settings.Inputs, output.In, settings.Query(settings.All));
        if (report.Hosts is not { } hosts)
        {
            if (settings.Format == OutputFormat.Json)
            {
                output.Out.WriteLine(JsonConvention.Serialize(new ExplainFilesJson([.. report.Files.Select(ExplainResultJson.From)])));
            }
            else
            {
                foreach (var e in report.Files)
                {
                    Render(e.Origin, e.Explanation);
                }
            }
            return ExitCodes.Ok;
        }
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(new ExplainHostsJson(
                [.. hosts.Select(h => new ExplainHostJson(h.Host.Name, h.Host.Uri, h.Error, h.Value?.Select(ExplainResultJson.From).ToList()))],
                new HostsSummaryJson(hosts.Count, hosts.Count(h => h.Failed)))));
        }
        else
        {
            foreach (var host in hosts)
            {
                HostSections.Heading(output.Console, host.Host);
                if (host.Error is not null)
                {
                    HostSections.Failure(output.Console, host.Error);
                }
                foreach (var e in host.Value ?? [])
                {
                    Render(e.Origin, e.Explanation);
                }
            }
        }
        HostSections.Close(output, hosts, settings.Format == OutputFormat.Table);
        return HostSections.ExitCode(hosts, ExitCodes.Ok);
    }

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
