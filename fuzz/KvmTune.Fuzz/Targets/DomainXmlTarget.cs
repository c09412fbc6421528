using KvmTune.Core.Input;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Fuzz.Targets;

/// <summary>
/// Domain XML parser and writer: bytes are decoded strictly and parsed; an unedited document writes back byte for
/// byte, also after lint and explain have read it; an edited one writes XML that parses again with the edit in place
/// and as many disks.
/// </summary>
public sealed class DomainXmlTarget : IFuzzTarget
{
    private const string Source = "fuzz.xml";

    public string Name => "domain-xml";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var text = Properties.Accepts(() => InputText.DecodeUtf8(bytes, Source));
        if (text is null)
        {
            return;
        }
        var document = Properties.Accepts(() => DomainDocument.Parse(text, Source));
        if (document is null)
        {
            return;
        }
        Properties.Holds(document.ToXml() == text, "unedited document writes back byte for byte");
        var lint = DomainLinter.Lint(new DomainInput(Source, document, Source), HostFacts.Unknown);
        var explanation = DiskExplainer.Explain(document, HostFacts.Unknown);
        Properties.Holds(explanation.Disks.Count == document.Disks.Count, "explain explains every disk");
        foreach (var finding in lint.Findings)
        {
            Properties.Holds(InputText.IsOneLine(finding.Finding.Message), $"a finding is one line: {InputText.Quote(finding.Finding.Message, 200)}");
        }
        Properties.Holds(!document.IsEdited && document.ToXml() == text, "lint and explain leave the document unedited");

        var edited = DomainDocument.Parse(text, Source);
        var disks = edited.Disks;
        foreach (var disk in disks)
        {
            disk.Driver.Set("cache", "none");
            disk.Driver.Set("io", "native");
        }
        var written = edited.ToXml();
        if (disks.Count == 0)
        {
            Properties.Holds(written == text, "a document without disks is unchanged");
            return;
        }
        var reread = Properties.Accepts(() => DomainDocument.Parse(written, Source));
        Properties.Holds(reread is not null, "an edited document writes well-formed domain XML");
        Properties.Holds(reread!.Disks.Count == disks.Count, "an edit keeps every disk");
        Properties.Holds(reread.Disks.All(d => d.Driver.Cache == "none" && d.Driver.Io == "native"), "an edit is in the written XML");
    }
}
