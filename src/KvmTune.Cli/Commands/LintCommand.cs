using System.ComponentModel;
using KvmTune.Core.Rules;
using KvmTune.Reports.Lint;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune lint</c>: the rule catalog over domain XML files, a directory, or standard input.</summary>
internal sealed class LintCommand(CliOutput output) : Command<LintCommand.Settings>
{
    internal sealed class Settings : DomainInputSettings
    {
        [CommandOption("-f|--format <FORMAT>")]
        [Description("Output format: table (default), json or sarif (2.1.0).")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--strict")]
        [Description("Exit with 1 on warnings too, not only on errors.")]
        public bool Strict { get; init; }

        public override ValidationResult Validate() =>
            Format is not ("table" or "json" or "sarif")
                ? ValidationResult.Error($"--format '{Format}' is not one of table, json, sarif")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every input is read, parsed and linted before anything is written: bad input stops here with no output.
        // Only the findings are kept, so linting many domains runs in flat memory.
        var source = settings.CreateSource(output.In);
        var results = DomainLinter.Lint(source.Stream(), DomainInputSettings.HostFactsFor(source));
        switch (settings.Format)
        {
            case "json":
                new LintJsonExporter().Export(results, output.Out);
                break;
            case "sarif":
                new LintSarifExporter(KvmTuneVersion.Text).Export(results, output.Out);
                break;
            default:
                LintTable.Render(results, output.Console);
                break;
        }
        return ExitCode(results, settings.Strict);
    }

    /// <summary>0 without error findings; 1 with errors (or warnings under --strict).</summary>
    public static int ExitCode(IReadOnlyList<DomainLintResult> results, bool strict)
    {
        var errors = results.Sum(r => r.Count(Severity.Error));
        var warnings = results.Sum(r => r.Count(Severity.Warning));
        return errors > 0 || (strict && warnings > 0) ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
