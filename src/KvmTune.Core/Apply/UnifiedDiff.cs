using System.Text;

namespace KvmTune.Core.Apply;

/// <summary>A unified diff (<c>diff -u</c> format) of two texts, line by line.</summary>
public static class UnifiedDiff
{
    /// <summary>
    /// The unified diff from <paramref name="oldText"/> to <paramref name="newText"/> with <paramref name="context"/>
    /// lines of context; empty when the texts are equal.
    /// </summary>
    public static string Create(string oldText, string newText, string oldName, string newName, int context = 3)
    {
        ArgumentNullException.ThrowIfNull(oldText);
        ArgumentNullException.ThrowIfNull(newText);
        if (oldText == newText)
        {
            return "";
        }
        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var ops = Diff(a, b);
        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldName).Append('\n');
        sb.Append("+++ ").Append(newName).Append('\n');
        foreach (var hunk in Hunks(ops, context))
        {
            WriteHunk(sb, ops, hunk.Start, hunk.End, a, b);
        }
        return sb.ToString();
    }

    private enum Kind
    {
        Same,
        Delete,
        Insert,
    }

    private readonly record struct Op(Kind Kind, int A, int B);

    private readonly record struct Line(string Text, bool HasNewline);

    private static List<Line> SplitLines(string text)
    {
        var lines = new List<Line>();
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            if (nl < 0)
            {
                lines.Add(new Line(text[start..], false));
                break;
            }
            lines.Add(new Line(text[start..nl], true));
            start = nl + 1;
        }
        return lines;
    }

    /// <summary>An edit script: common prefix and suffix trimmed, the middle by longest common subsequence.</summary>
    private static List<Op> Diff(List<Line> a, List<Line> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
        {
            suffix++;
        }
        var n = a.Count - prefix - suffix;
        var m = b.Count - prefix - suffix;
        var ops = new List<Op>(a.Count + b.Count);
        for (var i = 0; i < prefix; i++)
        {
            ops.Add(new Op(Kind.Same, i, i));
        }
        // lcs[i, j] = length of the LCS of a[prefix+i..] and b[prefix+j..] (the middle is small: a few edited lines).
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[prefix + x] == b[prefix + y])
            {
                ops.Add(new Op(Kind.Same, prefix + x, prefix + y));
                x++;
                y++;
            }
            else if (x < n && (y >= m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(new Op(Kind.Delete, prefix + x, prefix + y));
                x++;
            }
            else
            {
                ops.Add(new Op(Kind.Insert, prefix + x, prefix + y));
                y++;
            }
        }
        for (var i = 0; i < suffix; i++)
        {
            ops.Add(new Op(Kind.Same, a.Count - suffix + i, b.Count - suffix + i));
        }
        return ops;
    }

    /// <summary>Ranges of the edit script [Start, End) around changes, merged when their contexts touch.</summary>
    private static List<(int Start, int End)> Hunks(List<Op> ops, int context)
    {
        var hunks = new List<(int Start, int End)>();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Kind == Kind.Same)
            {
                continue;
            }
            var start = Math.Max(0, i - context);
            var j = i;
            while (j < ops.Count && ops[j].Kind != Kind.Same)
            {
                j++;
            }
            var end = Math.Min(ops.Count, j + context);
            if (hunks.Count > 0 && start <= hunks[^1].End)
            {
                hunks[^1] = (hunks[^1].Start, end);
            }
            else
            {
                hunks.Add((start, end));
            }
            i = j - 1;
        }
        return hunks;
    }

    private static void WriteHunk(StringBuilder sb, List<Op> ops, int start, int end, List<Line> a, List<Line> b)
    {
        int oldCount = 0, newCount = 0;
        for (var i = start; i < end; i++)
        {
            if (ops[i].Kind != Kind.Insert)
            {
                oldCount++;
            }
            if (ops[i].Kind != Kind.Delete)
            {
                newCount++;
            }
        }
        // diff -u numbers an empty range by the line before it.
        var oldStart = oldCount == 0 ? ops[start].A : ops[start].A + 1;
        var newStart = newCount == 0 ? ops[start].B : ops[start].B + 1;
        sb.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
        for (var i = start; i < end; i++)
        {
            var op = ops[i];
            var (prefix, line) = op.Kind switch
            {
                Kind.Same => (' ', a[op.A]),
                Kind.Delete => ('-', a[op.A]),
                _ => ('+', b[op.B]),
            };
            sb.Append(prefix).Append(line.Text).Append('\n');
            if (!line.HasNewline)
            {
                sb.Append("\\ No newline at end of file\n");
            }
        }
    }

    private static string Range(int start, int count) => count == 1 ? $"{start}" : $"{start},{count}";
}
