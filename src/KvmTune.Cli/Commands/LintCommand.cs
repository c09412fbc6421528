using System.ComponentModel;
using KvmTune.Cli.Settings;
using KvmTune.Core.Rules;
using KvmTune.Reports.Lint;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune lint</c>: the rule catalog over domain XML files, a directory, standard input, or libvirt hosts.</summary>
internal sealed class LintCommand(CliOutput output) : Command<LintCommand.Settings>
{
    internal sealed class Settings : DomainInputSettings
    {
        [CommandOption("-f|--format <FORMAT>")]
        [Description("Output format: table (default), json or sarif (2.1.0).")]
        [TypeConverter(typeof(LintFormatConverter))]
        public LintFormat Format { get; init; } = LintFormat.Table;

        [CommandOption("--strict")]
        [Description("Exit with 1 on warnings too, not only on errors.")]
        public bool Strict { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every input is read, parsed and linted before anything is written: bad input stops here with no output.
        var report = LintService.Run(settings.Inputs, output.In, settings.Query(settings.All));
        var results = report.All.ToList();
        if (settings.Format == LintFormat.Sarif)
        {
            new LintSarifExporter(KvmTuneVersion.Text).Export(results, output.Out);
        }
        else if (report.Hosts is not { } hosts)
        {
            if (settings.Format == LintFormat.Json)
            {
                new LintJsonExporter().Export(results, output.Out);
            }
            else
            {
                LintTable.Render(results, output.Console);
            }
        }
        else if (settings.Format == LintFormat.Json)
        {
            new LintJsonExporter().ExportHosts([.. hosts.Select(h => new LintHostResults(h.Host.Name, h.Host.Uri, h.Error, h.Value))], output.Out);
        }
        else
        {
            foreach (var host in hosts)
            {
                HostSections.Heading(output.Console, host.Host);
                if (host.Error is not null)
                {
                    HostSections.Failure(output.Console, host.Error);
                    continue;
                }
                LintTable.Render(host.Value!, output.Console);
            }
        }
        var code = ExitCode(results, settings.Strict);
        if (report.Hosts is { } all)
        {
            HostSections.Close(output, all, settings.Format == LintFormat.Table);
            code = HostSections.ExitCode(all, code);
        }
        return code;
    }

    /// <summary>0 without error findings; 1 with errors (or warnings under --strict).</summary>
    public static int ExitCode(IReadOnlyList<DomainLintResult> results, bool strict)
    {
        var errors = results.Sum(r => r.Count(Severity.Error));
        var warnings = results.Sum(r => r.Count(Severity.Warning));
        return errors > 0 || (strict && warnings > 0) ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
