using KvmTune.Core.Decisions;
using KvmTune.Services.Deciding;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

/// <summary>The terminal summary of a decision: one row per profile, then the overall winner and what to apply.</summary>
internal static class DecisionTable
{
    public static void Render(IAnsiConsole console, RunReport report, string? reportPath)
    {
        var d = report.Decision;
        var table = new Table().Border(TableBorder.Rounded).Title($"run {report.Run.Info.Id}: decision");
        table.AddColumn("profile");
        table.AddColumn("winner");
        table.AddColumn(new TableColumn("IOPS [[95% CI]]").RightAligned());
        table.AddColumn(new TableColumn("× host").RightAligned());
        table.AddColumn("equivalent");
        foreach (var p in d.Profiles)
        {
            var w = p.WinnerEntry;
            table.AddRow(
                Markup.Escape(p.Profile),
                p.Winner is null ? "[grey]nothing rankable[/]" : $"[green]{Markup.Escape(p.Winner.Id)}[/]",
                w is null ? "–" : $"{Figures.Count(w.Basis.Median)} [{Figures.Count(w.Basis.CiLow)}–{Figures.Count(w.Basis.CiHigh)}]".Replace("[", "[[", StringComparison.Ordinal).Replace("]", "]]", StringComparison.Ordinal),
                w?.RatioToHost is { } h ? Figures.Ratio(h) : "–",
                TieText(p.Tie, p.Winner));
        }
        console.Write(table);
        console.MarkupLine(d.Winner is null
            ? "[yellow]No winner:[/] nothing could be ranked within the constraints."
            : $"Overall winner: [bold green]{Markup.Escape(d.Winner.Id)}[/]" + (d.Tie.Count > 1 ? $" ({d.Tie.Count} equivalent within {Figures.Percent(d.Constraints.Margin)}, chosen by safety then simplicity)" : ""));
        if (report.Recommendation.Nova.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]nova.conf[/]");
            console.Write(new Text(report.Recommendation.NovaConfSnippet()));
            foreach (var (type, element) in report.Recommendation.DriverElements)
            {
                console.MarkupLine($"libvirt {Markup.Escape(type)} disks: {Markup.Escape(element)}");
            }
            foreach (var (key, value) in report.Recommendation.FlavorExtraSpecs)
            {
                console.MarkupLine($"flavor: {Markup.Escape(key)}={Markup.Escape(value)}");
            }
        }
        if (reportPath is not null)
        {
            console.WriteLine();
            console.MarkupLine($"Report: [link]{Markup.Escape(reportPath)}[/]");
        }
    }

    // A noisy host can tie dozens of candidates: name a few, count the rest (the report lists them all).
    private static string TieText(IReadOnlyList<Core.Tuning.Candidate> tie, Core.Tuning.Candidate? winner)
    {
        var others = tie.Where(t => t != winner).Select(t => t.Id).ToList();
        if (others.Count == 0)
        {
            return "";
        }
        var named = Markup.Escape(string.Join(", ", others.Take(3)));
        return others.Count > 3 ? $"{named} [dim]+{others.Count - 3} more[/]" : named;
    }
}
