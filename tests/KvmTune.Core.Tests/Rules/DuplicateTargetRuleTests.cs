using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Rules.RuleTestKit;

namespace KvmTune.Core.Tests.Rules;

public class DuplicateTargetRuleTests
{
    [Fact]
    public void A_second_disk_with_the_same_target_dev_is_an_error_naming_the_first_disks_line()
    {
        var domain = DomainDocument.Parse("""
            <domain type='kvm'>
              <name>dup</name>
              <devices>
                <disk type='file' device='disk'><driver cache='none'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver cache='none'/><source file='/b.img'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver cache='none'/><source file='/c.img'/><target dev='vdb' bus='virtio'/></disk>
              </devices>
            </domain>
            """, "dup.xml");

        var findings = RuleCatalog.Check(domain, HostFacts.Unknown).Where(f => f.Code == "KT006").ToList();

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("vda", finding.Disk);
        Assert.Contains("target dev='vda' is already used by an earlier disk (line 4)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_target_devs_and_disks_without_a_target_are_accepted()
    {
        var domain = Domain(FileDisk("<driver cache='none'/>") + FileDisk("<driver cache='none'/>", target: "<target dev='vdb' bus='virtio'/>") + FileDisk("<driver cache='none'/>", target: ""));
        Assert.DoesNotContain(RuleCatalog.Check(domain, HostFacts.Unknown), f => f.Code == "KT006");
    }

    [Fact]
    public void The_corpus_case_libvirt_refuses_for_duplicate_targets_is_flagged_and_no_other_case()
    {
        // libvirt's own negative test: disk-same-targets.x86_64-latest.err holds the refusal this rule predicts.
        var err = File.ReadAllText(Path.Combine(RepoPaths.LibvirtCorpus, "disk-same-targets.x86_64-latest.err"));
        Assert.StartsWith("XML error: target 'sda' duplicated for disk sources", err, StringComparison.Ordinal);

        var flagged = Directory.GetFiles(RepoPaths.LibvirtCorpus, "*.xml")
            .Where(f => RuleCatalog.Check(DomainDocument.Parse(File.ReadAllText(f), f), HostFacts.Unknown).Any(x => x.Code == "KT006"))
            .Select(Path.GetFileName)
            .ToList();
        Assert.Equal(["disk-same-targets.xml"], flagged);
    }

    [Fact]
    public void Explain_keeps_the_findings_of_two_disks_that_share_a_label_apart()
    {
        // Given two disks named vda: one unsafe, one fine
        var domain = Domain(
            FileDisk("<driver cache='unsafe'/>") +
            FileDisk("<driver cache='none'/>"));

        var explanation = DiskExplainer.Explain(domain, HostFacts.Unknown);

        Assert.Contains(explanation.Disks[0].Findings, f => f.Code == "KT010");
        Assert.DoesNotContain(explanation.Disks[1].Findings, f => f.Code == "KT010");
        Assert.Contains(explanation.Disks[1].Findings, f => f.Code == "KT006");
    }
}
