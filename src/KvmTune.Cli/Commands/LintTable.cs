using KvmTune.Core.Rules;
using Spectre.Console;

namespace KvmTune.Cli.Commands;

/// <summary>The terminal view of lint results: per input a heading and a table of findings, then a summary line.</summary>
internal static class LintTable
{
    /// <summary>
    /// Above this many findings the view is one line per finding (<c>file:line: severity CODE disk: message</c>):
    /// laying out Spectre tables costs about a millisecond per row, too slow for a whole fleet's domains.
    /// </summary>
    public const int MaxTableRows = 500;

    public static void Render(IReadOnlyList<DomainLintResult> results, IAnsiConsole console)
    {
        if (results.Sum(r => r.Findings.Count) > MaxTableRows)
        {
            RenderLines(results, console);
        }
        else
        {
            RenderTables(results, console);
        }
        RenderSummary(results, console);
    }

    private static void RenderLines(IReadOnlyList<DomainLintResult> results, IAnsiConsole console)
    {
        var text = new System.Text.StringBuilder();
        foreach (var result in results)
        {
            foreach (var located in result.Findings)
            {
                var finding = located.Finding;
                text.Append(result.Label);
                if (located.Line is { } line)
                {
                    text.Append(':').Append(line.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                text.Append(": ").Append(finding.SeverityText).Append(' ').Append(finding.Code).Append(' ')
                    .Append(finding.Disk).Append(": ").Append(finding.Message);
                if (finding.Fix is not null)
                {
                    text.Append(" (fix: ").Append(finding.Fix).Append(')');
                }
                text.Append('\n');
            }
        }
        console.Profile.Out.Writer.Write(text.ToString());
    }

    private static void RenderTables(IReadOnlyList<DomainLintResult> results, IAnsiConsole console)
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
    }

    private static void RenderSummary(IReadOnlyList<DomainLintResult> results, IAnsiConsole console)
    {
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
