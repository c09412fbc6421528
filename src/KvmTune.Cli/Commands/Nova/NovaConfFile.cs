using System.Text;
using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using KvmTune.Host;
using KvmTune.Host.Files;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>A nova.conf as read from disk: the exact bytes, the text and the parsed document.</summary>
internal sealed class NovaConfFile
{
    private NovaConfFile(string path, byte[] bytes, string text)
    {
        Path = path;
        Bytes = bytes;
        Text = text;
    }

    public string Path { get; }
    public byte[] Bytes { get; }
    public string Text { get; }

    /// <summary>A fresh parse of the file's text (each edit starts from the original).</summary>
    public NovaConf Parse() => NovaConf.Parse(Text, Path);

    public static NovaConfFile Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InputException($"{path}: is a directory, not a nova.conf");
        }
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: no such file");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}", e);
        }
        string text;
        try
        {
            text = AtomicFileWriter.Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputException($"{path}: not UTF-8 text", e);
        }
        var file = new NovaConfFile(path, bytes, text);
        _ = file.Parse();
        return file;
    }
}

/// <summary>
/// The edit workflow every nova.conf writer shares: validate, diff, dry run unless confirmed, backup, atomic write,
/// verify, and the reminder of what nova needs to pick the change up.
/// </summary>
internal static class NovaConfEdit
{
    public static string DefaultBackupDirectory => DataDirectory.Sub("backups");

    /// <summary>Runs the workflow; returns the exit code. Throws <see cref="InputException"/> before writing anything.</summary>
    public static int Commit(CliOutput output, NovaConfFile file, NovaConf edited, bool yes, string? backupDirectory, IEnumerable<string> notes)
    {
        var diff = Prepare(file, edited);
        if (diff.Length == 0)
        {
            output.Error.WriteLine($"{file.Path}: already has these settings; nothing to write");
            return ExitCodes.Ok;
        }
        output.Out.Write(diff);
        if (!yes)
        {
            output.Error.WriteLine($"dry run: nothing written; pass --yes to write {file.Path}");
            WriteNotes(output, notes);
            return ExitCodes.Ok;
        }
        var code = Write(output, file, edited.ToText(), backupDirectory);
        if (code == ExitCodes.Ok)
        {
            WriteNotes(output, notes);
        }
        return code;
    }

    /// <summary>Validates the edit and returns its unified diff (empty when nothing changes).</summary>
    public static string Prepare(NovaConfFile file, NovaConf edited)
    {
        // Refuse an edit that introduces an error nova would ignore or refuse; errors already in the file are not ours.
        var before = NovaSimulator.Validate(file.Parse(), NovaHost.Unknown).Where(f => f.Severity == Severity.Error)
            .Select(f => (f.Code, f.Key, f.Message)).ToHashSet();
        var introduced = NovaSimulator.Validate(edited, NovaHost.Unknown)
            .Where(f => f.Severity == Severity.Error && !before.Contains((f.Code, f.Key, f.Message))).ToList();
        if (introduced.Count > 0)
        {
            var f = introduced[0];
            throw new InputException($"{file.Path}:{f.Line}: {f.Code}: {f.Message}; nothing written");
        }
        return UnifiedDiff.Create(file.Text, edited.ToText(), $"a/{file.Path.TrimStart('/')}", $"b/{file.Path.TrimStart('/')}");
    }

    /// <summary>Backup, atomic write, read back. Returns the exit code; on failure the file is unchanged.</summary>
    public static int Write(CliOutput output, NovaConfFile file, string newText, string? backupDirectory)
    {
        try
        {
            if (!File.ReadAllBytes(file.Path).AsSpan().SequenceEqual(file.Bytes))
            {
                output.Error.WriteLine($"kvmtune: {file.Path} changed while it was being edited; nothing written");
                return ExitCodes.Failure;
            }
            var backup = AtomicFileWriter.Backup(file.Path, backupDirectory ?? DefaultBackupDirectory, DateTimeOffset.UtcNow);
            output.Error.WriteLine($"backup: {backup}");
            AtomicFileWriter.Write(file.Path, newText);
            if (File.ReadAllText(file.Path, AtomicFileWriter.Utf8) != newText)
            {
                output.Error.WriteLine($"kvmtune: {file.Path} does not read back as written; the previous content is in {backup}");
                return ExitCodes.Failure;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Error.WriteLine($"kvmtune: {file.Path}: {e.Message}; the file is unchanged");
            return ExitCodes.Failure;
        }
        output.Error.WriteLine($"wrote {file.Path}");
        return ExitCodes.Ok;
    }

    /// <summary>What nova needs before a nova.conf change reaches the instances.</summary>
    public static IReadOnlyList<string> Reminders(IEnumerable<string> changedKeys)
    {
        var keys = changedKeys.ToHashSet(StringComparer.Ordinal);
        var notes = new List<string>
        {
            "nova-compute reads nova.conf only at start: restart it (systemctl restart nova-compute).",
            "existing instances keep their current <driver> until nova regenerates their domain XML: hard reboot (openstack server reboot --hard), resize or migration; a soft reboot is not enough.",
        };
        if (keys.Contains("disk_io_modes"))
        {
            notes.Add("disk_io_modes is read by nova only once patched: kvmtune nova patch --check says whether it is, kvmtune nova patch --yes patches it; stock nova ignores the key. " +
                      "(kvmtune apply sets io on the domains from a policy file, not from nova.conf; nova rewrites it on hard reboot, resize and migration.)");
        }
        if (keys.Contains("images_type"))
        {
            notes.Add("images_type applies to new instances only; existing disks stay on their backend.");
        }
        return notes;
    }

    public static void WriteNotes(CliOutput output, IEnumerable<string> notes)
    {
        foreach (var note in notes)
        {
            output.Error.WriteLine($"note: {note}");
        }
    }
}
