using KvmTune.Core.Rules;
using Spectre.Console;

namespace KvmTune.Cli.Commands;

/// <summary>The terminal view of lint results: per input a heading and a table of findings, then a summary line.</summary>
internal static class LintTable
{
    public static void Render(IReadOnlyList<DomainLintResult> results, IAnsiConsole console)
    {
        foreach (var result in results.Where(r => r.Findings.Count > 0))
        {
            var domain = result.Domain is null ? "" : $" [dim](domain {Markup.Escape(result.Domain)})[/]";
            console.MarkupLine($"[bold]{Markup.Escape(result.Label)}[/]{domain}");
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Line")
                .AddColumn("Disk")
                .AddColumn("Code")
                .AddColumn("Severity")
                .AddColumn("Message");
            foreach (var located in result.Findings)
            {
                var finding = located.Finding;
                var message = Markup.Escape(finding.Message);
                if (finding.Fix is not null)
                {
                    message += $"\n[dim]fix: {Markup.Escape(finding.Fix)}[/]";
                }
                table.AddRow(
                    new Text(located.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    new Text(finding.Disk ?? ""),
                    new Text(finding.Code),
                    new Markup(Colored(finding.Severity)),
                    new Markup(message));
            }
            console.Write(table);
        }
        var errors = results.Sum(r => r.Count(Severity.Error));
        var warnings = results.Sum(r => r.Count(Severity.Warning));
        var infos = results.Sum(r => r.Count(Severity.Info));
        var domains = results.Count == 1 ? "1 domain" : $"{results.Count} domains";
        if (errors + warnings + infos == 0)
        {
            console.MarkupLine($"[green]No findings[/] in {domains}.");
            return;
        }
        console.MarkupLine($"{Count(errors, "error", "red")}, {Count(warnings, "warning", "yellow")}, {Count(infos, "info", "blue", plural: false)} in {domains}.");
    }

    private static string Colored(Severity severity) => severity switch
    {
        Severity.Error => "[red]error[/]",
        Severity.Warning => "[yellow]warning[/]",
        _ => "[blue]info[/]",
    };

    private static string Count(int n, string word, string color, bool plural = true)
    {
        var text = $"{n} {word}{(plural && n != 1 ? "s" : "")}";
        return n == 0 ? text : $"[{color}]{text}[/]";
    }
}
