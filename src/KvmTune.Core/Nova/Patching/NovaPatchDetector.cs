namespace KvmTune.Core.Nova.Patching;

/// <summary>Whether a nova tree carries KvmTune's patch.</summary>
public enum NovaPatchState
{
    /// <summary>The files are nova's own, in a shape a patch was made for: the patch applies.</summary>
    Stock,

    /// <summary>Every file holds exactly what the patch writes: the patch is applied.</summary>
    Patched,

    /// <summary>Neither: a nova KvmTune has no patch for, or files modified elsewhere (or only partly patched).</summary>
    Unknown,
}

/// <summary>A file after the patch is applied (or reverted): its path and new text; null text means the file goes away.</summary>
/// <param name="Path">Relative to the directory that holds <c>nova/</c>.</param>
/// <param name="Before">The text now, or null when the file does not exist.</param>
/// <param name="After">The text to write, or null to delete the file.</param>
public sealed record PatchedFile(string Path, string? Before, string? After);

/// <summary>The detected state of a tree against the known patches.</summary>
/// <param name="State">Stock, patched or unknown.</param>
/// <param name="Patch">The patch whose shape the tree has (null when unknown).</param>
/// <param name="Files">
/// For <see cref="NovaPatchState.Stock"/> the files as the patch makes them; for <see cref="NovaPatchState.Patched"/>
/// the files as they were before it; empty when unknown.
/// </param>
/// <param name="Reason">When unknown: one line saying what does not match.</param>
/// <param name="AtOffset">True when some hunk matched away from the line it names (another release of the same shape).</param>
public sealed record NovaPatchDetection(NovaPatchState State, NovaPatch? Patch, IReadOnlyList<PatchedFile> Files, string? Reason, bool AtOffset)
{
    /// <summary>The state's name as KvmTune prints it (<c>stock</c>, <c>patched</c>, <c>unknown</c>).</summary>
    public string StateText => State switch
    {
        NovaPatchState.Stock => "stock",
        NovaPatchState.Patched => "patched",
        _ => "unknown",
    };
}

/// <summary>
/// Tells a stock nova tree from a patched one, per code shape, from the files' text alone: the tree is stock for a
/// shape when every hunk of that shape's patch applies exactly and the files it creates are absent, and patched when
/// every hunk reverses exactly and the created files hold exactly the patch's text. Anything else (another nova, a
/// file modified elsewhere, a half-applied patch) is unknown, and KvmTune refuses to touch it.
/// </summary>
public static class NovaPatchDetector
{
    /// <summary>Detects the state of the tree whose files <paramref name="read"/> returns (null for a missing file).</summary>
    /// <param name="patches">The known patches, one per shape.</param>
    /// <param name="read">The text of a file relative to the directory that holds <c>nova/</c>, or null when absent.</param>
    public static NovaPatchDetection Detect(IReadOnlyList<NovaPatch> patches, Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(patches);
        ArgumentNullException.ThrowIfNull(read);
        if (patches.Count == 0)
        {
            throw new ArgumentException("no patch to detect with", nameof(patches));
        }
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Read(string path)
        {
            if (!texts.TryGetValue(path, out var text))
            {
                texts[path] = text = read(path);
            }
            return text;
        }

        NovaPatchDetection? best = null;
        var reasons = new List<string>();
        foreach (var patch in patches)
        {
            var forward = Try(patch, Read, reverse: false, out var forwardFiles, out var forwardReason, out var forwardOffset);
            if (forward)
            {
                var found = new NovaPatchDetection(NovaPatchState.Stock, patch, forwardFiles, null, forwardOffset);
                if (!forwardOffset)
                {
                    return found;
                }
                best ??= found;
                continue;
            }
            var backward = Try(patch, Read, reverse: true, out var backwardFiles, out var backwardReason, out var backwardOffset);
            if (backward)
            {
                var found = new NovaPatchDetection(NovaPatchState.Patched, patch, backwardFiles, null, backwardOffset);
                if (!backwardOffset)
                {
                    return found;
                }
                best ??= found;
                continue;
            }
            reasons.Add(Partly(patch, Read) ?? $"{forwardReason} (shape {patch.Shape})");
        }
        return best ?? new NovaPatchDetection(NovaPatchState.Unknown, null, [], reasons[0] +
            (patches.Count > 1 ? $"; no other shape matches either ({string.Join(", ", patches.Skip(1).Select(p => p.Shape))})" : ""), false);
    }

    private static bool Try(NovaPatch patch, Func<string, string?> read, bool reverse, out List<PatchedFile> files, out string? reason, out bool atOffset)
    {
        files = [];
        reason = null;
        atOffset = false;
        foreach (var file in patch.Files)
        {
            var text = read(file.Path);
            if (file.IsNew)
            {
                if (!reverse && text is not null)
                {
                    reason = $"{file.Path} exists already";
                    return false;
                }
                if (reverse && text != file.NewFileText)
                {
                    reason = text is null ? $"{file.Path} is missing" : $"{file.Path} differs from the patch's";
                    return false;
                }
                files.Add(new PatchedFile(file.Path, text, reverse ? null : file.NewFileText));
                continue;
            }
            if (text is null)
            {
                reason = $"{file.Path} is missing";
                return false;
            }
            var applied = reverse ? file.Reverse(text) : file.Apply(text);
            if (!applied.Ok)
            {
                reason = $"{file.Path}: {applied.Reason}";
                return false;
            }
            atOffset |= applied.Offsets.Any(o => o != 0);
            files.Add(new PatchedFile(file.Path, text, applied.Text));
        }
        return true;
    }

    // A tree where some files carry the patch and others do not: say so, it is not "another nova".
    private static string? Partly(NovaPatch patch, Func<string, string?> read)
    {
        var patched = new List<string>();
        var stock = new List<string>();
        foreach (var file in patch.Files)
        {
            var text = read(file.Path);
            if (file.IsNew)
            {
                (text == file.NewFileText ? patched : text is null ? stock : []).Add(file.Path);
                continue;
            }
            if (text is null)
            {
                continue;
            }
            if (file.Reverse(text).Ok)
            {
                patched.Add(file.Path);
            }
            else if (file.Apply(text).Ok)
            {
                stock.Add(file.Path);
            }
        }
        return patched.Count > 0 && patched.Count + stock.Count == patch.Files.Count && stock.Count > 0
            ? $"partly patched (shape {patch.Shape}): {string.Join(", ", patched)} carr{(patched.Count == 1 ? "ies" : "y")} the patch, {string.Join(", ", stock)} do{(stock.Count == 1 ? "es" : "")} not"
            : null;
    }
}
