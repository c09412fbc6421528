using System.Text;

namespace KvmTune.Core.Tests;

/// <summary>
/// Text compared with a reviewed file under tests/KvmTune.Core.Tests: a change shows as the first line that differs;
/// after reviewing it, <c>KVMTUNE_UPDATE_GOLDEN=1</c> writes the new text.
/// </summary>
internal static class GoldenText
{
    /// <summary>Fails naming the first line where <paramref name="actual"/> differs from the reviewed file.</summary>
    /// <param name="relativePath">The file, relative to tests/KvmTune.Core.Tests (<c>Rules/Golden/explain-corpus.txt</c>).</param>
    /// <param name="actual">The text produced now, with "\n" line ends.</param>
    /// <param name="what">What the text is, for the message (<c>explain</c>).</param>
    public static void AssertMatches(string relativePath, string actual, string what)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "KvmTune.Core.Tests", relativePath);
        if (Environment.GetEnvironmentVariable("KVMTUNE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual)
        {
            return;
        }
        var want = expected.Split('\n');
        var got = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i], Math.Min(want.Length, got.Length));
        Assert.Fail($"{what} differs from {relativePath} at line {line + 1}:\n  reviewed: {(line < want.Length ? want[line] : "(end)")}\n  now:      {(line < got.Length ? got[line] : "(end)")}");
    }
}

/// <summary>
/// Blocks of text written once each, in the order first seen, headed by the first place that has it and how many more
/// do: a golden file stays readable and every distinct text appears in it.
/// </summary>
internal sealed class DistinctBlocks
{
    private readonly Dictionary<string, List<string>> _places = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Records that <paramref name="place"/> has <paramref name="block"/>.</summary>
    public void Add(string block, string place)
    {
        if (!_places.TryGetValue(block, out var places))
        {
            _places[block] = places = [];
            _order.Add(block);
        }
        places.Add(place);
    }

    /// <summary>Every block under a <c>## place (and N more)</c> heading.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var block in _order)
        {
            var places = _places[block];
            text.Append("## ").Append(places[0]).Append(places.Count > 1 ? $" (and {places.Count - 1} more)" : "").Append('\n').Append(block).Append('\n');
        }
        return text.ToString();
    }
}
