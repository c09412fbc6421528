using System.Globalization;
using KvmTune.Host.Files;
using KvmTune.Host.Native;

namespace KvmTune.Host.Libvirt;

/// <summary>One saved domain definition.</summary>
/// <param name="Path">The backup file.</param>
/// <param name="Domain">The domain's name when it was saved.</param>
/// <param name="Time">When it was saved (UTC).</param>
/// <param name="Reason">Why: <c>before-apply</c>, <c>before-rollback</c>.</param>
public sealed record DomainBackup(string Path, string Domain, DateTimeOffset Time, string Reason)
{
    /// <summary>The reason of the copy rollback saves of the definition it replaces.</summary>
    public const string BeforeRollback = "before-rollback";

    /// <summary>The file name, which <c>rollback --to</c> accepts.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>Saved by an older KvmTune under the domain's name only (its UUID matched; its URI was not recorded).</summary>
    public bool Legacy { get; init; }

    /// <summary>Rollback's own safety copy: never what a plain rollback restores.</summary>
    public bool IsRollbackSafetyCopy => Reason.StartsWith(BeforeRollback, StringComparison.Ordinal);
}

/// <summary>
/// Saved persistent definitions, keyed by libvirt URI and domain UUID:
/// <c>&lt;root&gt;/libvirt/&lt;URI, %-escaped&gt;/&lt;UUID&gt;/&lt;UTC time&gt;-&lt;reason&gt;.xml</c>. A backup is written
/// with <see cref="DurableFile.CreateNew"/> (temporary file, fsync, link under its name, directory fsync): it is
/// complete or absent, and on disk before the definition it protects is replaced. The directories are private and
/// never followed through a symlink. Backups an older KvmTune saved by name only (<c>&lt;root&gt;/&lt;name&gt;/</c>) are
/// still read — for the domain whose UUID their XML holds — and never written.
/// </summary>
public sealed class DomainBackupStore(string root)
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss.fff'Z'";


    /// <summary>The store in the data directory (<c>backups/</c>); not created until the first backup.</summary>
    public static DomainBackupStore Default => new(System.IO.Path.Combine(DataDirectory.Path, "backups"));

    /// <summary>The root directory.</summary>
    public string Root { get; } = System.IO.Path.GetFullPath(root);

    /// <summary>The directory holding one domain's backups.</summary>
    public string DirectoryFor(DomainKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return System.IO.Path.Combine(Root, "libvirt", key.UriComponent, key.Uuid);
    }

    /// <summary>Saves a definition durably and returns it. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot.</summary>
    public DomainBackup Save(DomainKey key, string domainName, string xml, string reason, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var dir = PrivateDirectory.EnsureUnder(EnsureRoot(), "libvirt", key.UriComponent, key.Uuid);
        var time = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var stamp = time.ToString(TimeFormat, CultureInfo.InvariantCulture);
        var bytes = DurableFile.Utf8.GetBytes(xml);
        for (var n = 1; ; n++)
        {
            var path = System.IO.Path.Combine(dir, n == 1 ? $"{stamp}-{reason}.xml" : $"{stamp}-{reason}-{n}.xml");
            try
            {
                DurableFile.CreateNew(path, bytes);
                return new DomainBackup(path, domainName, time, reason);
            }
            catch (FileAlreadyExistsException) when (n < 1000)
            {
            }
        }
    }

    /// <summary>A domain's backups, oldest first: those keyed by its URI and UUID, and legacy ones whose XML has its UUID.</summary>
    public IReadOnlyList<DomainBackup> List(DomainKey key, string domainName)
    {
        ArgumentNullException.ThrowIfNull(key);
        var list = new List<DomainBackup>();
        var dir = DirectoryFor(key);
        if (IsPrivateDirectory(Root) && IsPrivateDirectory(System.IO.Path.Combine(Root, "libvirt")) && IsPrivateDirectory(System.IO.Path.Combine(Root, "libvirt", key.UriComponent))
            && IsPrivateDirectory(dir))
        {
            foreach (var path in Directory.EnumerateFiles(dir, "*.xml"))
            {
                if (Parse(path, domainName) is { } backup)
                {
                    list.Add(backup);
                }
            }
        }
        // An older KvmTune kept <root>/<name>/: read those whose XML belongs to this very domain (same UUID).
        if (domainName.Length > 0 && domainName is not ("." or ".." or "libvirt") && !domainName.Contains('/', StringComparison.Ordinal)
            && IsPrivateDirectory(Root) && IsPrivateDirectory(System.IO.Path.Combine(Root, domainName)))
        {
            foreach (var path in Directory.EnumerateFiles(System.IO.Path.Combine(Root, domainName), "*.xml"))
            {
                if (Parse(path, domainName) is { } backup && UuidOf(path) == key.Uuid)
                {
                    list.Add(backup with { Legacy = true });
                }
            }
        }
        return [.. list.OrderBy(b => b.Time).ThenBy(b => b.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The backup a plain <c>rollback</c> restores: the newest one that is not rollback's own safety copy (restoring
    /// that would re-apply what the last rollback undid). Null when there is none.
    /// </summary>
    public DomainBackup? LatestToRestore(DomainKey key, string domainName) =>
        List(key, domainName).LastOrDefault(b => !b.IsRollbackSafetyCopy);

    /// <summary>The saved definition, exactly as it was saved.</summary>
    /// <exception cref="Core.InputException">Not a regular file, too large, or not UTF-8.</exception>
    public static string Read(DomainBackup backup)
    {
        ArgumentNullException.ThrowIfNull(backup);
        return Input.InputFiles.ReadText(backup.Path, Core.Input.InputLimits.BackupBytes, "domain backup");
    }

    private string EnsureRoot()
    {
        if (Root == System.IO.Path.GetFullPath(System.IO.Path.Combine(DataDirectory.Path, "backups")))
        {
            return DataDirectory.Sub("backups");
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Root)!);
        PrivateDirectory.Ensure(Root);
        return Root;
    }

    /// <summary>True for a real directory; a symlink in the store is refused rather than followed.</summary>
    private static bool IsPrivateDirectory(string dir) => LinuxFile.LinkStat(dir) switch
    {
        null => false,
        { IsSymbolicLink: true } => throw new UnsafePathException($"{dir}: is a symbolic link; KvmTune does not follow links inside its own directories (remove it)"),
        { IsDirectory: true } => true,
        _ => false,
    };

    private static DomainBackup? Parse(string path, string domainName)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || !DateTimeOffset.TryParseExact(name[..dash], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            || LinuxFile.LinkStat(path) is not { IsRegularFile: true })
        {
            return null;
        }
        return new DomainBackup(path, domainName, time, name[(dash + 1)..]);
    }

    private static string? UuidOf(string path)
    {
        try
        {
            return DomainKey.UuidIn(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
