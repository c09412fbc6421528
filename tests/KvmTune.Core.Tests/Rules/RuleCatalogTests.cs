using System.Text.RegularExpressions;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Rules;

public partial class RuleCatalogTests
{
    private static readonly string[] DesignCodes =
    [
        "KT001", "KT002", "KT003", "KT004", "KT005", "KT006",
        "KT010", "KT011", "KT012",
        "KT020", "KT021", "KT022", "KT023", "KT024", "KT025", "KT026", "KT027",
    ];

    [Fact]
    public void Catalog_holds_every_design_code_once_ordered_by_code()
    {
        var codes = RuleCatalog.All.Select(r => r.Code).ToList();
        Assert.Equal(DesignCodes, codes);
    }

    [Fact]
    public void Every_rule_has_a_title_and_a_rationale_naming_its_source()
    {
        Assert.All(RuleCatalog.All, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Title), rule.Code);
            Assert.Contains("Source", rule.Rationale, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Severities_match_the_design_table()
    {
        Assert.All(RuleCatalog.All, rule =>
        {
            var expected = rule.Code switch
            {
                "KT001" or "KT002" or "KT003" or "KT004" or "KT005" or "KT006" => Severity.Error,
                "KT010" or "KT011" or "KT012" or "KT020" or "KT022" or "KT024" => Severity.Warning,
                _ => Severity.Info,
            };
            Assert.Equal(expected, rule.Severity);
        });
    }

    [Fact]
    public void Every_rule_has_a_section_in_docs_rules_md_and_every_section_a_rule()
    {
        // Given the rule documentation
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules.md"));

        // When its sections are listed
        var sections = SectionHeading().Matches(text).Select(m => m.Groups[1].Value).ToList();

        // Then they are exactly the catalog's codes, in order, each with severity, why and fix
        Assert.Equal(RuleCatalog.All.Select(r => r.Code), sections);
        foreach (var rule in RuleCatalog.All)
        {
            var start = text.IndexOf("## " + rule.Code, StringComparison.Ordinal);
            var end = text.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
            var section = end < 0 ? text[start..] : text[start..end];
            Assert.Contains($"Severity: {rule.Severity.ToString().ToLowerInvariant()}", section, StringComparison.Ordinal);
            Assert.Contains("**Why**", section, StringComparison.Ordinal);
            Assert.Contains("**Fix**", section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_corpus_domain_is_checked_without_an_exception_and_findings_name_a_disk()
    {
        var files = Directory.GetFiles(RepoPaths.LibvirtCorpus, "*.xml");
        Assert.Equal(91, files.Length);
        foreach (var file in files)
        {
            var domain = DomainDocument.Parse(File.ReadAllText(file), file);
            var findings = RuleCatalog.Check(domain, HostFacts.Unknown);
            Assert.All(findings, f => Assert.False(string.IsNullOrEmpty(f.Disk), file));
        }
    }

    [Fact]
    public void No_corpus_domain_has_an_unknown_driver_value()
    {
        // libvirt's own test inputs that are accepted use only values its schema knows.
        var files = Directory.GetFiles(RepoPaths.LibvirtCorpus, "*.xml");
        var kt002 = files.SelectMany(f => RuleCatalog.Check(DomainDocument.Parse(File.ReadAllText(f), f), HostFacts.Unknown))
            .Where(f => f.Code == "KT002").ToList();
        Assert.Empty(kt002);
    }

    [Fact]
    public void Messages_quote_libvirt_spelling_not_enum_names()
    {
        var domain = RuleTestKit.Domain(RuleTestKit.FileDisk("<driver name='qemu' type='raw' cache='writethrough' io='native'/>", extra: "<shareable/>"));
        var findings = RuleCatalog.Check(domain, HostFacts.Unknown);
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.DoesNotContain("Writethrough", f.Message, StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("cache='writethrough'", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^## (KT\d{3})\b", RegexOptions.Multiline)]
    private static partial Regex SectionHeading();
}
