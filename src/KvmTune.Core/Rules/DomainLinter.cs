using System.Xml;
using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules;

/// <summary>A finding with the position of its <c>&lt;disk&gt;</c> element in the input, when known.</summary>
public sealed record LocatedFinding(Finding Finding, int? Line, int? Column);

/// <summary>The findings of one domain. It keeps no reference to the document, so results of many domains stay small.</summary>
/// <param name="Label">Where the domain came from (<see cref="DomainInput.Label"/>).</param>
/// <param name="File">The file it was read from, or null.</param>
/// <param name="Domain">The domain's <c>&lt;name&gt;</c>.</param>
/// <param name="Findings">Findings in disk order, then code order.</param>
public sealed record DomainLintResult(string Label, string? File, string? Domain, IReadOnlyList<LocatedFinding> Findings)
{
    public int Count(Severity severity) => Findings.Count(f => f.Finding.Severity == severity);
}

/// <summary>Runs the rule catalog over domains (the <c>lint</c> view of the catalog).</summary>
public static class DomainLinter
{
    public static DomainLintResult Lint(DomainInput input, HostFacts host)
    {
        var located = new List<LocatedFinding>();
        foreach (var disk in input.Document.Disks)
        {
            var (line, column) = disk.Element is IXmlLineInfo info && info.HasLineInfo()
                ? ((int?)info.LineNumber, (int?)info.LinePosition)
                : (null, null);
            foreach (var rule in RuleCatalog.All)
            {
                foreach (var finding in rule.Check(disk, host))
                {
                    located.Add(new LocatedFinding(finding, line, column));
                }
            }
        }
        return new DomainLintResult(input.Label, input.File, input.Document.Name, located);
    }

    public static IReadOnlyList<DomainLintResult> Lint(IEnumerable<DomainInput> inputs, HostFacts host) =>
        inputs.Select(i => Lint(i, host)).ToList();
}
