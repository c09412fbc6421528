using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using KvmTune.Core.Input;
using KvmTune.Core.Nova.Patching;
using KvmTune.Core.Serialization;
using KvmTune.Host.Files;
using KvmTune.Host.Input;
using KvmTune.Host.Native;

namespace KvmTune.Host.Nova;

/// <summary>One file of a patch backup.</summary>
/// <param name="Path">Relative to the tree's root (<c>nova/virt/libvirt/driver.py</c>).</param>
/// <param name="Existed">False for a file the change creates (nothing to back up).</param>
/// <param name="Copy">The backup copy's file name inside the backup directory, or null.</param>
/// <param name="Sha256Before">SHA-256 of the content before the change, or null when the file did not exist.</param>
/// <param name="Sha256After">SHA-256 of the content after the change, or null when the change deletes it.</param>
public sealed record NovaBackupFile(string Path, bool Existed, string? Copy, string? Sha256Before, string? Sha256After);

/// <summary>What a backup directory holds: which tree, which change, when, and the files.</summary>
/// <param name="NovaDir">The nova package directory.</param>
/// <param name="Version">nova's version, when known.</param>
/// <param name="Shape">The patch's shape.</param>
/// <param name="Action"><c>patch</c> or <c>revert</c>.</param>
/// <param name="Time">When (UTC).</param>
/// <param name="Files">The files changed.</param>
public sealed record NovaBackupManifest(string NovaDir, string? Version, string Shape, string Action, DateTimeOffset Time, IReadOnlyList<NovaBackupFile> Files);

/// <summary>
/// Writes a patch into a nova tree, or takes it out, the way KvmTune writes every file it changes
/// (<see cref="DurableFile"/>): the previous content backed up first (with a manifest) in a private directory, each
/// file written to a temporary file in its directory, fsynced and renamed over the original (mode, owner and extended
/// attributes kept; a created file gets those of the file beside it), files the change creates deleted on the way
/// back. Nothing is written when a file no longer holds what was read.
/// </summary>
public static class NovaTreeWriter
{
    /// <summary>The manifest's file name inside a backup directory.</summary>
    public const string ManifestName = "manifest.json";

    /// <summary>The default backup root: <c>$XDG_DATA_HOME/kvmtune/backups/nova-patch</c> (not created).</summary>
    public static string DefaultBackupRoot => System.IO.Path.Combine(DataDirectory.Path, "backups", "nova-patch");

    /// <summary>
    /// Copies every file the change touches into a new directory under <paramref name="backupRoot"/> and writes the
    /// manifest; returns the directory. Throws <see cref="IOException"/> when a file changed since it was read.
    /// </summary>
    public static string Backup(NovaTree tree, string shape, string action, IReadOnlyList<PatchedFile> files, string backupRoot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(files);
        CheckUnchanged(tree, files);
        EnsureBackupRoot(backupRoot);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var dir = System.IO.Path.Combine(backupRoot, $"{stamp}-{action}");
        for (var n = 2; Directory.Exists(dir); n++)
        {
            dir = System.IO.Path.Combine(backupRoot, $"{stamp}-{action}-{n}");
        }
        PrivateDirectory.Ensure(dir);
        var entries = new List<NovaBackupFile>();
        foreach (var file in files)
        {
            string? copy = null;
            if (file.Before is not null)
            {
                // The relative path in the name keeps two files of the same name (conf/libvirt.py) apart.
                copy = file.Path.Replace('/', '_');
                DurableFile.CreateNew(System.IO.Path.Combine(dir, copy), DurableFile.Utf8.GetBytes(file.Before));
            }
            entries.Add(new NovaBackupFile(file.Path, file.Before is not null, copy, Sha(file.Before), Sha(file.After)));
        }
        var manifest = new NovaBackupManifest(tree.PackageDirectory, tree.Version, shape, action, now.ToUniversalTime(), entries);
        DurableFile.CreateNew(System.IO.Path.Combine(dir, ManifestName), DurableFile.Utf8.GetBytes(JsonConvention.Serialize(manifest) + "\n"));
        return dir;
    }

    /// <summary>Records in a backup's manifest that its change was taken back (a failed verification): it is history, not the tree's state.</summary>
    public static void MarkRolledBack(string backupDirectory)
    {
        var path = System.IO.Path.Combine(backupDirectory, ManifestName);
        var manifest = JsonSerializer.Deserialize<NovaBackupManifest>(InputFiles.ReadText(path, InputLimits.BackupBytes, "backup manifest"), JsonConvention.Options)!;
        DurableFile.WritePrivate(path, DurableFile.Utf8.GetBytes(JsonConvention.Serialize(manifest with { Action = manifest.Action + "-rolled-back" }) + "\n"));
    }

    /// <summary>Writes every file's <see cref="PatchedFile.After"/> (deleting the file when it is null).</summary>
    public static void Apply(NovaTree tree, IReadOnlyList<PatchedFile> files)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(files);
        CheckUnchanged(tree, files);
        foreach (var file in files)
        {
            Put(tree, file.Path, file.After);
        }
    }

    /// <summary>Puts every file back as it was before <see cref="Apply"/> (deleting the files it created).</summary>
    public static void Restore(NovaTree tree, IReadOnlyList<PatchedFile> files)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            Put(tree, file.Path, file.Before);
        }
    }

    /// <summary>True when every file holds exactly <paramref name="expected"/>'s text for it (null: absent).</summary>
    public static bool Holds(NovaTree tree, IEnumerable<(string Path, string? Text)> expected) =>
        expected.All(e => tree.ReadText(e.Path) == e.Text);

    /// <summary>The manifests under <paramref name="backupRoot"/> for a nova directory, newest first.</summary>
    public static IReadOnlyList<(string Directory, NovaBackupManifest Manifest)> History(string backupRoot, string novaDir)
    {
        if (!Directory.Exists(backupRoot))
        {
            return [];
        }
        var list = new List<(string, NovaBackupManifest)>();
        foreach (var dir in Directory.EnumerateDirectories(backupRoot))
        {
            var path = System.IO.Path.Combine(dir, ManifestName);
            if (!File.Exists(path))
            {
                continue;
            }
            try
            {
                var manifest = JsonSerializer.Deserialize<NovaBackupManifest>(InputFiles.ReadText(path, InputLimits.BackupBytes, "backup manifest"), JsonConvention.Options);
                if (manifest is not null && manifest.NovaDir == novaDir)
                {
                    list.Add((dir, manifest));
                }
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or Core.InputException)
            {
                // A manifest KvmTune cannot read is not one of its own: leave it out of the history.
            }
        }
        return list.OrderByDescending(x => x.Item2.Time).ToList();
    }

    /// <summary>SHA-256 of a text's UTF-8 bytes (lower-case hex), or null.</summary>
    public static string? Sha(string? text) =>
        text is null ? null : Convert.ToHexStringLower(SHA256.HashData(DurableFile.Utf8.GetBytes(text)));

    // The default root lies in the private data directory; a --backup-dir the user names is created 0700 when missing.
    private static void EnsureBackupRoot(string backupRoot)
    {
        if (backupRoot == DefaultBackupRoot)
        {
            _ = PrivateDirectory.EnsureUnder(DataDirectory.Ensure(), "backups", "nova-patch");
        }
        else
        {
            Directory.CreateDirectory(backupRoot, PrivateDirectory.Mode);
        }
    }

    private static void CheckUnchanged(NovaTree tree, IReadOnlyList<PatchedFile> files)
    {
        foreach (var file in files)
        {
            if (tree.ReadText(file.Path) != file.Before)
            {
                throw new IOException($"{tree.FullPath(file.Path)} changed since it was read; nothing written");
            }
        }
    }

    private static void Put(NovaTree tree, string relative, string? text)
    {
        var path = tree.FullPath(relative);
        if (text is null)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                LinuxFile.FsyncDirectory(System.IO.Path.GetDirectoryName(path)!);
            }
            return;
        }
        if (File.Exists(path))
        {
            DurableFile.WriteText(path, text);
            return;
        }
        // A new module gets the mode, owner and attributes of the package's other files (0644 root:root), not 0600.
        var reference = Directory.EnumerateFiles(System.IO.Path.GetDirectoryName(path)!, "*.py").Order(StringComparer.Ordinal).FirstOrDefault()
            ?? tree.FullPath("nova/virt/libvirt/driver.py");
        DurableFile.CreateNewLike(path, DurableFile.Utf8.GetBytes(text), reference);
    }
}
