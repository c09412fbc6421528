using System.ComponentModel;
using System.Reflection;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Domains;
using KvmTune.Reports.Lint;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune lint</c>: the rule catalog over domain XML files, a directory, or standard input.</summary>
internal sealed class LintCommand(CliOutput output) : Command<LintCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[inputs]")]
        [Description("Domain XML files, directories (every *.xml in them) or - for standard input.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("-f|--format <FORMAT>")]
        [Description("Output format: table (default), json or sarif (2.1.0).")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--connect <URI>")]
        [Description("Lint domains of a libvirt connection (read-only), e.g. qemu:///system or qemu+ssh://host/system.")]
        public string? Connect { get; init; }

        [CommandOption("--domain <NAME>")]
        [Description("With --connect: a domain to lint (repeatable).")]
        public string[] Domains { get; init; } = [];

        [CommandOption("--all")]
        [Description("With --connect: every domain.")]
        public bool All { get; init; }

        [CommandOption("--strict")]
        [Description("Exit with 1 on warnings too, not only on errors.")]
        public bool Strict { get; init; }

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "json" or "sarif"))
            {
                return ValidationResult.Error($"--format '{Format}' is not one of table, json, sarif");
            }
            if (Connect is not null)
            {
                if (Inputs.Length > 0)
                {
                    return ValidationResult.Error("--connect reads domains from libvirt: give no files with it");
                }
                if (All == (Domains.Length > 0))
                {
                    return ValidationResult.Error("--connect needs --domain NAME (one or more) or --all, not both");
                }
                return ValidationResult.Success();
            }
            if (All || Domains.Length > 0)
            {
                return ValidationResult.Error("--domain and --all need --connect URI");
            }
            if (Inputs.Length == 0)
            {
                return ValidationResult.Error("no input: give domain XML files, a directory, or - for standard input");
            }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every input is read, parsed and linted before anything is written: bad input stops here with no output.
        // Only the findings are kept, so linting many domains runs in flat memory.
        var source = CreateSource(settings);
        var results = DomainLinter.Lint(source.Stream(), HostFactsFor(source));
        switch (settings.Format)
        {
            case "json":
                new LintJsonExporter().Export(results, output.Out);
                break;
            case "sarif":
                new LintSarifExporter(ToolVersion).Export(results, output.Out);
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

    // The source of domains: files (and stdin), or a libvirt connection (--connect URI --all|--domain NAME).
    private IDomainSource CreateSource(Settings settings) =>
        settings.Connect is not null
            ? new LibvirtDomainSource(settings.Connect, settings.Domains, settings.All)
            : new FileDomainSource(settings.Inputs, output.In);

    // Files may come from another machine: no host fact is known, and the rules say so instead of guessing.
    // A connection knows its host's QEMU and libvirt versions.
    private static HostFacts HostFactsFor(IDomainSource source) =>
        source is LibvirtDomainSource libvirt ? libvirt.HostFacts : HostFacts.Unknown;

    private static string ToolVersion =>
        typeof(LintCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
