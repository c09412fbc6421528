using System.Globalization;

namespace KvmTune.Core.Nova.Patching;

/// <summary>One line of a hunk: <c>' '</c> context, <c>'-'</c> removed, <c>'+'</c> added; the text keeps its terminator.</summary>
/// <param name="Kind">The line's prefix in the diff.</param>
/// <param name="Text">The file's line, with its line terminator (none for a last line without one).</param>
public sealed record PatchLine(char Kind, string Text);

/// <summary>One hunk of a unified diff.</summary>
/// <param name="OldStart">1-based first line in the old file (0 for an empty old file).</param>
/// <param name="NewStart">1-based first line in the new file.</param>
/// <param name="Lines">The hunk's lines in order.</param>
public sealed record PatchHunk(int OldStart, int NewStart, IReadOnlyList<PatchLine> Lines)
{
    /// <summary>The lines the old file holds at this hunk (context and removed).</summary>
    public IReadOnlyList<string> OldLines => Lines.Where(l => l.Kind != '+').Select(l => l.Text).ToList();

    /// <summary>The lines the new file holds at this hunk (context and added).</summary>
    public IReadOnlyList<string> NewLines => Lines.Where(l => l.Kind != '-').Select(l => l.Text).ToList();
}

/// <summary>The changes to one file: a path relative to the directory that holds <c>nova/</c>, and its hunks.</summary>
/// <param name="Path">The path without the <c>a/</c>/<c>b/</c> prefix (<c>nova/virt/libvirt/driver.py</c>).</param>
/// <param name="IsNew">True when the patch creates the file (<c>--- /dev/null</c>).</param>
/// <param name="Hunks">The hunks in file order.</param>
public sealed record FilePatch(string Path, bool IsNew, IReadOnlyList<PatchHunk> Hunks)
{
    /// <summary>The whole content of a file the patch creates.</summary>
    public string NewFileText => string.Concat(Hunks.SelectMany(h => h.NewLines));

    /// <summary>Applies the hunks to <paramref name="text"/>; a failure names the hunk and why.</summary>
    public PatchApplication Apply(string text) => Run(text, reverse: false);

    /// <summary>Takes the hunks back out of <paramref name="text"/> (the inverse of <see cref="Apply"/>).</summary>
    public PatchApplication Reverse(string text) => Run(text, reverse: true);

    // Every hunk's old lines must occur in the file exactly as written: once in the whole file, or, when they occur
    // more than once, at the line the hunk names. No fuzz: a line that differs in one
    // character means the code is not the shape the patch was made for.
    private PatchApplication Run(string text, bool reverse)
    {
        var lines = PatchText.SplitLines(text);
        var result = new List<string>(lines.Count + 64);
        var position = 0;
        var offsets = new List<int>();
        for (var n = 0; n < Hunks.Count; n++)
        {
            var hunk = Hunks[n];
            var find = reverse ? hunk.NewLines : hunk.OldLines;
            var replace = reverse ? hunk.OldLines : hunk.NewLines;
            // Both numbers are in the coordinates of the file being read: old lines forward, new lines in reverse.
            var stated = (reverse ? hunk.NewStart : hunk.OldStart) - 1;
            if (find.Count == 0)
            {
                stated = Math.Max(stated, 0);
            }
            var matches = Matches(lines, find, position);
            int at;
            if (matches.Count == 1)
            {
                at = matches[0];
            }
            else if (matches.Count == 0)
            {
                return PatchApplication.Failed(n + 1, $"hunk {n + 1} (line {stated + 1}): the lines it {(reverse ? "added" : "changes")} are not in the file as written");
            }
            else if (matches.Contains(stated))
            {
                at = stated;
            }
            else
            {
                return PatchApplication.Failed(n + 1, $"hunk {n + 1} (line {stated + 1}): its lines occur {matches.Count} times, none at the line it names");
            }
            offsets.Add(at - stated);
            result.AddRange(lines.Skip(position).Take(at - position));
            result.AddRange(replace);
            position = at + find.Count;
        }
        result.AddRange(lines.Skip(position));
        return PatchApplication.Succeeded(string.Concat(result), offsets);
    }

    private static List<int> Matches(List<string> lines, IReadOnlyList<string> find, int from)
    {
        var found = new List<int>();
        if (find.Count == 0)
        {
            found.Add(from);
            return found;
        }
        for (var i = from; i + find.Count <= lines.Count; i++)
        {
            var ok = true;
            for (var j = 0; j < find.Count && ok; j++)
            {
                ok = string.Equals(lines[i + j], find[j], StringComparison.Ordinal);
            }
            if (ok)
            {
                found.Add(i);
            }
        }
        return found;
    }
}

/// <summary>The outcome of applying or reversing a <see cref="FilePatch"/>.</summary>
/// <param name="Text">The resulting text, or null on failure.</param>
/// <param name="FailedHunk">The 1-based hunk that did not match, or null.</param>
/// <param name="Reason">Why it failed (one line), or null.</param>
/// <param name="Offsets">Per hunk, how many lines away from the line it names it matched (0 for the exact tree).</param>
public sealed record PatchApplication(string? Text, int? FailedHunk, string? Reason, IReadOnlyList<int> Offsets)
{
    /// <summary>True when every hunk matched.</summary>
    public bool Ok => Text is not null;

    internal static PatchApplication Succeeded(string text, IReadOnlyList<int> offsets) => new(text, null, null, offsets);

    internal static PatchApplication Failed(int hunk, string reason) => new(null, hunk, reason, []);
}

/// <summary>
/// KvmTune's nova patch for one code shape of nova: a unified diff (as <c>diff -u</c> and GNU <c>patch -p1</c> read
/// it) after a short header of <c>Key: value</c> lines (<c>Shape</c>, <c>Made-for</c>). The patch files are data in
/// the repository (share/nova/patches), one per shape.
/// </summary>
/// <param name="Shape">The shape's name (<c>nova-26</c>, <c>master</c>).</param>
/// <param name="MadeFor">The nova releases the patch was made from, for messages.</param>
/// <param name="Text">The patch file as read (what <c>--print</c> writes).</param>
/// <param name="Files">The files it changes or creates.</param>
public sealed record NovaPatch(string Shape, string MadeFor, string Text, IReadOnlyList<FilePatch> Files)
{
    /// <summary>Parses a patch file; throws <see cref="InputException"/> naming the line that is not a unified diff.</summary>
    public static NovaPatch Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = PatchText.SplitLines(text);
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        for (; i < lines.Count && !lines[i].StartsWith("--- ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].TrimEnd('\n', '\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].All(c => char.IsLetter(c) || c == '-'))
            {
                header[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }
        var files = new List<FilePatch>();
        while (i < lines.Count)
        {
            var minus = lines[i].TrimEnd('\n', '\r');
            if (minus.Length == 0)
            {
                i++;
                continue;
            }
            if (!minus.StartsWith("--- ", StringComparison.Ordinal) || i + 1 >= lines.Count || !lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal))
            {
                throw new InputException($"{source}:{i + 1}: expected a '--- a/FILE' and '+++ b/FILE' pair");
            }
            var oldName = Name(minus[4..]);
            var newName = Name(lines[i + 1].TrimEnd('\n', '\r')[4..]);
            var isNew = oldName == "/dev/null";
            var path = StripPrefix(newName, source, i + 2);
            if (!isNew && StripPrefix(oldName, source, i + 1) != path)
            {
                throw new InputException($"{source}:{i + 1}: the old and new names differ ({oldName}, {newName}); renames are not supported");
            }
            i += 2;
            var hunks = new List<PatchHunk>();
            while (i < lines.Count && lines[i].StartsWith("@@ ", StringComparison.Ordinal))
            {
                var (oldStart, oldCount, newStart, newCount) = HunkHeader(lines[i], source, i + 1);
                i++;
                var hunkLines = new List<PatchLine>();
                int olds = 0, news = 0;
                while (i < lines.Count && (olds < oldCount || news < newCount))
                {
                    // An empty context line may have lost its leading space (editors strip trailing blanks).
                    var line = lines[i] == "\n" ? " \n" : lines[i];
                    var kind = line.Length == 0 ? '?' : line[0];
                    if (kind is not (' ' or '-' or '+'))
                    {
                        throw new InputException($"{source}:{i + 1}: expected a hunk line (' ', '-' or '+'), the hunk is short");
                    }
                    hunkLines.Add(new PatchLine(kind, line[1..]));
                    olds += kind != '+' ? 1 : 0;
                    news += kind != '-' ? 1 : 0;
                    i++;
                    if (i < lines.Count && lines[i].StartsWith('\\'))
                    {
                        // "\ No newline at end of file": the previous line has no terminator.
                        hunkLines[^1] = hunkLines[^1] with { Text = hunkLines[^1].Text.TrimEnd('\n', '\r') };
                        i++;
                    }
                }
                if (olds != oldCount || news != newCount)
                {
                    throw new InputException($"{source}:{i}: the hunk ends before its {oldCount} old and {newCount} new lines");
                }
                hunks.Add(new PatchHunk(oldStart, newStart, hunkLines));
            }
            if (hunks.Count == 0)
            {
                throw new InputException($"{source}:{i + 1}: {path} has no hunk");
            }
            files.Add(new FilePatch(path, isNew, hunks));
        }
        if (files.Count == 0)
        {
            throw new InputException($"{source}: no file in the patch");
        }
        if (!header.TryGetValue("Shape", out var shape) || shape.Length == 0)
        {
            throw new InputException($"{source}: no 'Shape:' line in the header");
        }
        return new NovaPatch(shape, header.GetValueOrDefault("Made-for") ?? "", text, files);
    }

    private static string Name(string field)
    {
        // diff -u puts a tab and a timestamp after the name.
        var tab = field.IndexOf('\t', StringComparison.Ordinal);
        return (tab < 0 ? field : field[..tab]).Trim();
    }

    private static string StripPrefix(string name, string source, int line)
    {
        if (name.StartsWith("a/", StringComparison.Ordinal) || name.StartsWith("b/", StringComparison.Ordinal))
        {
            name = name[2..];
        }
        if (name.Length == 0 || name.StartsWith('/') || name.Split('/').Contains(".."))
        {
            throw new InputException($"{source}:{line}: '{name}' is not a relative path inside the tree");
        }
        return name;
    }

    private static (int OldStart, int OldCount, int NewStart, int NewCount) HunkHeader(string line, string source, int number)
    {
        // @@ -145,6 +145,7 @@ optional section text
        var parts = line.TrimEnd('\n', '\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4 || parts[0] != "@@" || parts[3] != "@@" || !parts[1].StartsWith('-') || !parts[2].StartsWith('+'))
        {
            throw new InputException($"{source}:{number}: not a hunk header: {line.TrimEnd()}");
        }
        var (os, oc) = Range(parts[1][1..], source, number);
        var (ns, nc) = Range(parts[2][1..], source, number);
        return (os, oc, ns, nc);
    }

    private static (int Start, int Count) Range(string text, string source, int number)
    {
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var start = comma < 0 ? text : text[..comma];
        var count = comma < 0 ? "1" : text[(comma + 1)..];
        if (!int.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ||
            !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
        {
            throw new InputException($"{source}:{number}: bad hunk range '{text}'");
        }
        return (s, c);
    }
}

/// <summary>Line splitting that keeps every terminator, so that joining the lines gives the text back byte for byte.</summary>
public static class PatchText
{
    /// <summary>The lines of <paramref name="text"/>, each with its <c>\n</c> (a last line may have none).</summary>
    public static List<string> SplitLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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
}
