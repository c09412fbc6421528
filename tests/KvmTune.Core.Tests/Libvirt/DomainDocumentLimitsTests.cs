using System.Text;
using KvmTune.Core.Input;
using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Tests.Libvirt;

public class DomainDocumentLimitsTests
{
    [Fact]
    public void A_domain_in_a_namespace_is_refused_naming_the_namespace()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<domain xmlns='http://example.org/x' type='kvm'><name>a</name></domain>", "ns.xml"));

        Assert.Equal("ns.xml:1:2: root element <domain> is in namespace 'http://example.org/x'; libvirt's <domain> has no namespace (remove xmlns)", e.Message);
    }

    [Fact]
    public void Another_root_element_is_still_named()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<network><name>a</name></network>", "n.xml"));
        Assert.Contains("root element is <network>, expected <domain>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_with_its_position()
    {
        var depth = InputLimits.XmlDepth + 5;
        var text = new StringBuilder("<domain>");
        for (var i = 0; i < depth; i++)
        {
            text.Append("<a>");
        }
        for (var i = 0; i < depth; i++)
        {
            text.Append("</a>");
        }
        text.Append("</domain>");

        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse(text.ToString(), "deep.xml"));

        Assert.Contains($"elements nested deeper than {InputLimits.XmlDepth} levels", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("deep.xml:1:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_xml_message_is_one_line_even_when_the_bad_character_is_a_newline()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<domain><name>a</name><\n/domain>", "nl.xml"));

        Assert.True(InputText.IsOneLine(e.Message), e.Message);
        Assert.StartsWith("nl.xml:1:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(". Line ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entity_declaration_is_refused_and_never_expanded()
    {
        const string Bomb = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><domain><name>&b;</name></domain>";

        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse(Bomb, "bomb.xml"));

        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_disk_list_is_built_once_per_state_of_the_tree()
    {
        var document = DomainDocument.Parse("<domain><name>a</name><devices><disk type='file'><target dev='vda'/></disk></devices></domain>", "a.xml");

        var first = document.Disks;
        Assert.Same(first, document.Disks);

        first[0].Driver.Set("cache", "none");
        Assert.NotSame(first, document.Disks);
        Assert.Equal("none", document.Disks[0].Driver.Cache);
    }

    [Fact]
    public void A_disk_label_is_one_line_and_bounded_whatever_the_target_holds()
    {
        var document = DomainDocument.Parse($"<domain><devices><disk><target dev='v&#10;da{new string('x', 500)}'/></disk></devices></domain>", "a.xml");

        var label = document.Disks[0].Label;

        Assert.True(InputText.IsOneLine(label));
        Assert.True(label.Length < 200, label);
    }
}
