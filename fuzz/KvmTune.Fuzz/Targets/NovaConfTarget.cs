using KvmTune.Core.Input;
using KvmTune.Core.Nova;

namespace KvmTune.Fuzz.Targets;

/// <summary>
/// nova.conf parser: unedited text writes back byte for byte; validation and nova's simulated decisions run on
/// whatever parses; setting a key writes text that parses again with the key's new value.
/// </summary>
public sealed class NovaConfTarget : IFuzzTarget
{
    private const string Source = "fuzz.conf";

    public string Name => "nova-conf";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var text = Properties.Accepts(() => InputText.DecodeUtf8(bytes, Source, keepByteOrderMark: true));
        if (text is null)
        {
            return;
        }
        var conf = Properties.Accepts(() => NovaConf.Parse(text, Source));
        if (conf is null)
        {
            return;
        }
        Properties.Holds(conf.ToText() == text, "unedited nova.conf writes back byte for byte");
        foreach (var finding in conf.Validate())
        {
            Properties.Holds(InputText.IsOneLine(finding.Message), $"a finding is one line: {InputText.Quote(finding.Message, 200)}");
        }
        var explanation = NovaSimulator.Explain(conf, NovaHost.Unknown);
        Properties.Holds(explanation.Disks.Count > 0, "nova explain covers the image and volume cases");
        Properties.Holds(conf.ToText() == text, "reading leaves the text unchanged");

        var edited = NovaConf.Parse(text, Source);
        edited.Set("libvirt", "disk_cachemodes", "file=none,block=none");
        edited.Set("DEFAULT", "preallocate_images", "space");
        var written = edited.ToText();
        var reread = Properties.Accepts(() => NovaConf.Parse(written, Source));
        Properties.Holds(reread is not null, "an edited nova.conf parses again");
        Properties.Holds(reread!.Option("libvirt", "disk_cachemodes")?.Value == "file=none,block=none", "the edited key reads back");
        Properties.Holds(reread.Option("DEFAULT", "preallocate_images")?.Value == "space", "the second edited key reads back");
    }
}
