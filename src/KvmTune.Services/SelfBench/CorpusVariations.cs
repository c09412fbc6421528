using System.Text.RegularExpressions;

namespace KvmTune.Services.SelfBench;

/// <summary>
/// Domain XML texts built from libvirt's disk test cases: case i % N, renamed, with its cache and io attributes
/// cycled through libvirt's values so the rules see every combination. Built one at a time (not held in memory).
/// </summary>
public sealed partial class CorpusVariations
{
    private static readonly string[] CacheValues = ["none", "writeback", "writethrough", "directsync", "unsafe"];
    private static readonly string[] IoValues = ["native", "threads", "io_uring"];

    private readonly IReadOnlyList<string> _cases;

    public CorpusVariations(IReadOnlyList<string> cases)
    {
        if (cases.Count == 0)
        {
            throw new ArgumentException("no corpus case", nameof(cases));
        }
        _cases = cases;
    }

    public int CaseCount => _cases.Count;

    /// <summary>The corpus texts as read.</summary>
    public IReadOnlyList<string> Cases => _cases;

    /// <summary>Loads every <c>*.xml</c> of a corpus directory, sorted by name.</summary>
    public static CorpusVariations Load(string directory)
    {
        var files = Directory.GetFiles(directory, "*.xml");
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0)
        {
            throw new Core.InputException($"{directory}: directory has no *.xml file");
        }
        return new CorpusVariations(files.Select(File.ReadAllText).ToList());
    }

    /// <summary>The i-th domain: round 0 is the corpus as is; later rounds rename and vary cache/io.</summary>
    public string Build(int i)
    {
        var text = _cases[i % _cases.Count];
        var round = i / _cases.Count;
        if (round == 0)
        {
            return text;
        }
        text = NameElement().Replace(text, m => $"<name>{m.Groups[1].Value}-{i}</name>", 1);
        var cache = CacheValues[round % CacheValues.Length];
        var io = IoValues[round % IoValues.Length];
        text = CacheAttribute().Replace(text, $"cache='{cache}'");
        text = IoAttribute().Replace(text, $" io='{io}'");
        // Every third round adds cache/io to drivers that have none, so implicit-default rules see both sides.
        if (round % 3 == 0)
        {
            text = BareDriver().Replace(text, $"<driver name='qemu' cache='{cache}' io='{io}'");
        }
        return text;
    }

    [GeneratedRegex("<name>([^<]*)</name>")]
    private static partial Regex NameElement();

    [GeneratedRegex("cache='[^']*'")]
    private static partial Regex CacheAttribute();

    [GeneratedRegex(" io='[^']*'")]
    private static partial Regex IoAttribute();

    [GeneratedRegex("<driver name='qemu'(?![^>]*(?:cache|io)=)")]
    private static partial Regex BareDriver();
}
