using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Input;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using KvmTune.Host;
using KvmTune.Host.Files;
using KvmTune.Host.Input;

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

    /// <summary>
    /// The configuration oslo.config reads from <c>--config-file</c> <paramref name="files"/> in order, then each
    /// <c>--config-dir</c>'s <c>*.conf</c> in sorted (ordinal) order, hidden files excluded as Python's glob does.
    /// </summary>
    public static NovaConf LoadMerged(IReadOnlyList<string> files, IReadOnlyList<string> directories)
    {
        var paths = new List<string>(files);
        foreach (var directory in directories)
        {
            if (!Directory.Exists(directory))
            {
                throw new InputException($"{directory}: no such directory (--config-dir)");
            }
            var confs = Directory.GetFiles(directory, "*.conf", SearchOption.TopDirectoryOnly)
                .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.') && f.EndsWith(".conf", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);
            paths.AddRange(confs);
        }
        if (paths.Count == 0)
        {
            throw new InputException("no nova.conf: --config-dir has no *.conf file and no --conf was given");
        }
        return NovaConf.Merge(paths.Select(p => Load(p)).Select(f => (f.Text, f.Path)).ToList());
    }

    /// <summary>Reads and parses a nova.conf: a regular file of at most <see cref="InputLimits.NovaConfBytes"/>, strict UTF-8.</summary>
    public static NovaConfFile Load(string path)
    {
        var bytes = InputFiles.ReadBytes(path, InputLimits.NovaConfBytes, "nova.conf");
        // Kept byte for byte, a byte-order mark included: the file is written back as it was read.
        var text = InputText.DecodeUtf8(bytes, path, keepByteOrderMark: true);
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
        if (yes)
        {
            // A killed write's temporary file beside nova.conf goes at the next write, also when nothing is left to change.
            foreach (var leftover in DurableFile.RemoveLeftovers(file.Path))
            {
                output.Error.WriteLine($"removed {leftover}, left by an interrupted write");
            }
        }
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

    /// <summary>
    /// Backup (complete or absent), durable write (mode, owner, extended attributes and hard links kept), read back.
    /// Returns the exit code; on failure the file is unchanged.
    /// </summary>
    public static int Write(CliOutput output, NovaConfFile file, string newText, string? backupDirectory)
    {
        // A device node, FIFO or socket is refused (exit 2) before the backup.
        DurableFile.RefuseSpecial(file.Path);
        try
        {
            var now = InputFiles.ReadBytes(file.Path, InputLimits.NovaConfBytes, "nova.conf");
            if (!now.AsSpan().SequenceEqual(file.Bytes))
            {
                output.Error.WriteLine($"kvmtune: {file.Path} changed while it was being edited; nothing written");
                return ExitCodes.Failure;
            }
            var directory = backupDirectory is null ? DefaultBackupDirectory : Path.GetFullPath(backupDirectory);
            if (backupDirectory is not null)
            {
                Directory.CreateDirectory(directory, PrivateDirectory.Mode);
            }
            var backup = DurableFile.Backup(Path.GetFileName(file.Path), file.Bytes, directory, DateTimeOffset.UtcNow);
            output.Error.WriteLine($"backup: {backup}");
            var written = DurableFile.WriteText(file.Path, newText);
            if (File.ReadAllText(file.Path, DurableFile.Utf8) != newText)
            {
                output.Error.WriteLine($"kvmtune: {file.Path} does not read back as written; the previous content is in {backup}");
                return ExitCodes.Failure;
            }
            output.Error.WriteLine(written.Describe());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Error.WriteLine($"kvmtune: {file.Path}: {e.Message}; the file is unchanged");
            return ExitCodes.Failure;
        }
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
