using System.Diagnostics;
using System.Text;
using KvmTune.Core.Apply;

namespace KvmTune.Core.Tests.Apply;

public class UnifiedDiffTests
{
    [Fact]
    public void Equal_texts_give_an_empty_diff()
    {
        Assert.Equal("", UnifiedDiff.Create("a\nb\n", "a\nb\n", "x", "y"));
    }

    [Fact]
    public void One_changed_line_gives_one_hunk_with_three_lines_of_context_like_diff_u()
    {
        var old = string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n"));
        var @new = old.Replace("line 5\n", "line five\n", StringComparison.Ordinal);

        var diff = UnifiedDiff.Create(old, @new, "a/f", "b/f");

        Assert.Equal("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n", diff);
        Assert.Equal(GnuDiff(old, @new), diff);
    }

    [Fact]
    public void A_missing_final_newline_is_marked()
    {
        var diff = UnifiedDiff.Create("a\nb", "a\nc", "a/f", "b/f");

        Assert.Equal("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n", diff);
        Assert.Equal(GnuDiff("a\nb", "a\nc"), diff);
    }

    [Theory]
    [InlineData("", "a\n")]
    [InlineData("a\n", "")]
    [InlineData("a\nb\nc\n", "x\na\nb\nc\ny\n")]
    public void Insertions_and_deletions_at_the_edges_match_diff_u(string old, string @new)
    {
        Assert.Equal(GnuDiff(old, @new), UnifiedDiff.Create(old, @new, "a/f", "b/f"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Random_edits_are_minimal_and_the_patch_rebuilds_the_new_text(int seed)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, 200).Select(_ => $"l{random.Next(20)}\n").ToList();
        var old = string.Concat(lines);
        for (var k = 0; k < 15; k++)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(3))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, $"new{k}\n"); break;
                default: lines[at] = $"changed{k}\n"; break;
            }
        }
        var @new = string.Concat(lines);

        var diff = UnifiedDiff.Create(old, @new, "a/f", "b/f");

        Assert.Equal(@new, Apply(old, diff));
        Assert.Equal(ChangedLines(GnuDiff(old, @new, "--minimal")), ChangedLines(diff));
    }

    [Fact]
    public void A_few_edits_in_a_large_file_are_fast()
    {
        var old = string.Concat(Enumerable.Range(0, 20000).Select(i => $"# comment {i}\n"));
        var @new = old.Replace("# comment 100\n", "key = 1\n", StringComparison.Ordinal).Replace("# comment 19000\n", "", StringComparison.Ordinal);

        var watch = Stopwatch.StartNew();
        var diff = UnifiedDiff.Create(old, @new, "a/f", "b/f");

        Assert.True(watch.ElapsedMilliseconds < 2000, $"{watch.ElapsedMilliseconds} ms");
        Assert.Equal(@new, Apply(old, diff));
    }

    private static int ChangedLines(string diff) =>
        diff.Split('\n').Count(l => (l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal)) || (l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal)));

    // Applies a unified diff strictly: context and deletions must match.
    private static string Apply(string old, string diff)
    {
        var oldLines = Split(old);
        var result = new StringBuilder();
        var diffLines = diff.Split('\n');
        var pos = 0;
        for (var i = 2; i < diffLines.Length; i++)
        {
            var line = diffLines[i];
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                var start = int.Parse(line.Split(' ')[1].TrimStart('-').Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
                var count = line.Split(' ')[1].Contains(',', StringComparison.Ordinal) ? int.Parse(line.Split(' ')[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
                var target = count == 0 ? start : start - 1;
                while (pos < target)
                {
                    result.Append(oldLines[pos++]);
                }
                continue;
            }
            if (line.Length == 0)
            {
                continue;
            }
            var text = line[1..] + (i + 1 < diffLines.Length && diffLines[i + 1].StartsWith('\\') ? "" : "\n");
            switch (line[0])
            {
                case ' ':
                    Assert.Equal(oldLines[pos++], text);
                    result.Append(text);
                    break;
                case '-':
                    Assert.Equal(oldLines[pos++], text);
                    break;
                case '+':
                    result.Append(text);
                    break;
            }
        }
        while (pos < oldLines.Count)
        {
            result.Append(oldLines[pos++]);
        }
        return result.ToString();
    }

    private static List<string> Split(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    // GNU diffutils, the reference for the format.
    [Theory]
    [InlineData(3, 6)] // two changes 2 × context apart: one hunk, as diff -u
    [InlineData(3, 7)] // one more line between them: two hunks
    [InlineData(1, 2)]
    [InlineData(1, 3)]
    [InlineData(0, 1)]
    public void Changes_merge_into_one_hunk_exactly_when_diff_u_merges_them(int context, int gap)
    {
        var lines = Enumerable.Range(1, 20 + gap).Select(i => $"line {i}\n").ToList();
        var old = string.Concat(lines);
        lines[4] = "changed 5\n";
        lines[5 + gap] = "changed\n";
        lines.Insert(6 + gap, "inserted\n");
        var @new = string.Concat(lines);

        Assert.Equal(GnuDiff(old, @new, context: context), UnifiedDiff.Create(old, @new, "a/f", "b/f", context));
    }

    [Fact]
    public void A_negative_context_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => UnifiedDiff.Create("a\n", "b\n", "a/f", "b/f", -1));

    private static string GnuDiff(string old, string @new, string extra = "", int context = 3)
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-diff-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "old"), old);
            File.WriteAllText(Path.Combine(dir.FullName, "new"), @new);
            var args = new List<string> { $"-U{context}", "--label", "a/f", "--label", "b/f" };
            if (extra.Length > 0)
            {
                args.Add(extra);
            }
            args.Add(Path.Combine(dir.FullName, "old"));
            args.Add(Path.Combine(dir.FullName, "new"));
            using var process = Process.Start(new ProcessStartInfo("diff", args) { RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
