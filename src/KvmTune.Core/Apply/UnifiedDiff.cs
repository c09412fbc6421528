using System.Text;

namespace KvmTune.Core.Apply;

/// <summary>
/// A line-based unified diff (<c>diff -u</c> format) between two texts, for previews of nova.conf and domain XML
/// edits. Lines are compared with their terminators, so a changed line ending is a change; a last line without a
/// newline gets <c>\ No newline at end of file</c>. Myers' O((N+M)D) algorithm after trimming the common prefix and
/// suffix, so a few edits in a large file stay cheap.
/// </summary>
public static class UnifiedDiff
{
    /// <summary>The diff, or an empty string when the texts are equal.</summary>
    /// <param name="oldText">Text before.</param>
    /// <param name="newText">Text after.</param>
    /// <param name="oldName">Name on the <c>---</c> line.</param>
    /// <param name="newName">Name on the <c>+++</c> line.</param>
    /// <param name="context">Unchanged lines shown around each change.</param>
    public static string Create(string oldText, string newText, string oldName, string newName, int context = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(context);
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

        // Group the edit script into hunks with `context` lines around changes.
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                i++;
                continue;
            }
            var start = Math.Max(0, i - context);
            var end = i;
            var lastChange = i;
            while (end < ops.Count)
            {
                if (ops[end].Kind != ' ')
                {
                    lastChange = end;
                }
                else if (end - lastChange > 2 * context)
                {
                    break;
                }
                end++;
            }
            end = Math.Min(ops.Count, lastChange + context + 1);
            var oldStart = ops[start].OldIndex;
            var newStart = ops[start].NewIndex;
            var oldCount = ops.Skip(start).Take(end - start).Count(o => o.Kind != '+');
            var newCount = ops.Skip(start).Take(end - start).Count(o => o.Kind != '-');
            sb.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
            for (var k = start; k < end; k++)
            {
                var line = ops[k].Kind == '+' ? b[ops[k].NewIndex] : a[ops[k].OldIndex];
                sb.Append(ops[k].Kind);
                if (line.EndsWith('\n'))
                {
                    sb.Append(line);
                }
                else
                {
                    sb.Append(line).Append("\n\\ No newline at end of file\n");
                }
            }
            i = end;
        }
        return sb.ToString();
    }

    // diff -u numbering: 1-based start; an empty range starts at the line before it.
    private static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    private static List<string> SplitLines(string text) => Nova.Patching.PatchText.SplitLines(text);

    private readonly record struct Op(char Kind, int OldIndex, int NewIndex);

    private static List<Op> Diff(List<string> a, List<string> b)
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
        var ops = new List<Op>(a.Count + b.Count);
        for (var k = 0; k < prefix; k++)
        {
            ops.Add(new Op(' ', k, k));
        }
        ops.AddRange(Myers(a, b, prefix, a.Count - suffix, prefix, b.Count - suffix));
        for (var k = 0; k < suffix; k++)
        {
            ops.Add(new Op(' ', a.Count - suffix + k, b.Count - suffix + k));
        }
        return ops;
    }

    // Myers 1986, greedy forward search keeping each round's V for the backtrack. Deletions come before insertions
    // within a change, as diff -u prints them.
    private static List<Op> Myers(List<string> a, List<string> b, int aStart, int aEnd, int bStart, int bEnd)
    {
        var n = aEnd - aStart;
        var m = bEnd - bStart;
        var max = n + m;
        var offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                int x;
                if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                {
                    x = v[offset + k + 1];
                }
                else
                {
                    x = v[offset + k - 1] + 1;
                }
                var y = x - k;
                while (x < n && y < m && a[aStart + x] == b[bStart + y])
                {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }
        }

        var ops = new List<Op>();
        var cx = n;
        var cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var vd = trace[d];
            var k = cx - cy;
            int prevK;
            if (k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1]))
            {
                prevK = k + 1;
            }
            else
            {
                prevK = k - 1;
            }
            var prevX = vd[offset + prevK];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                ops.Add(new Op(' ', aStart + cx - 1, bStart + cy - 1));
                cx--;
                cy--;
            }
            if (d > 0)
            {
                if (cx == prevX)
                {
                    ops.Add(new Op('+', aStart + cx, bStart + cy - 1));
                }
                else
                {
                    ops.Add(new Op('-', aStart + cx - 1, bStart + cy));
                }
            }
            cx = prevX;
            cy = prevY;
        }
        ops.Reverse();
        return ReorderDeletionsFirst(ops);
    }

    private static List<Op> ReorderDeletionsFirst(List<Op> ops)
    {
        var result = new List<Op>(ops.Count);
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                result.Add(ops[i++]);
                continue;
            }
            var j = i;
            while (j < ops.Count && ops[j].Kind != ' ')
            {
                j++;
            }
            result.AddRange(ops.Skip(i).Take(j - i).Where(o => o.Kind == '-'));
            result.AddRange(ops.Skip(i).Take(j - i).Where(o => o.Kind == '+'));
            i = j;
        }
        return result;
    }
}
