using System.Globalization;
using System.Text;

namespace KvmTune.Host.Libvirt;

/// <summary>One saved domain definition.</summary>
/// <param name="Path">The backup file.</param>
/// <param name="Domain">The domain it belongs to.</param>
/// <param name="Time">When it was saved (UTC).</param>
/// <param name="Reason">Why: <c>before-apply</c>, <c>before-rollback</c>.</param>
public sealed record DomainBackup(string Path, string Domain, DateTimeOffset Time, string Reason)
{
    /// <summary>The file name, which <c>rollback --to</c> accepts.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// Saved persistent definitions, one directory per domain: <c>&lt;root&gt;/&lt;domain&gt;/&lt;UTC time&gt;-&lt;reason&gt;.xml</c>.
/// A backup is written to a temporary file, flushed to disk, renamed, and the directory is flushed, so it exists on
/// disk before the definition it protects is replaced.
/// </summary>
public sealed class DomainBackupStore(string root)
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss.fff'Z'";

    /// <summary>The store in the data directory (<c>backups/</c>); not created until the first backup.</summary>
    public static DomainBackupStore Default => new(System.IO.Path.Combine(DataDirectory.Path, "backups"));

    /// <summary>The root directory.</summary>
    public string Root { get; } = root;

    /// <summary>The directory holding one domain's backups.</summary>
    public string DirectoryFor(string domain)
    {
        // libvirt refuses '/' in names; keep any other odd name inside the store all the same.
        if (domain.Length == 0 || domain is "." or ".." || domain.Contains('/', StringComparison.Ordinal) || domain.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"domain name '{domain}' cannot name a backup directory", nameof(domain));
        }
        return System.IO.Path.Combine(Root, domain);
    }

    /// <summary>Saves a definition durably and returns it. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot.</summary>
    public DomainBackup Save(string domain, string xml, string reason, DateTimeOffset? now = null)
    {
        var dir = DirectoryFor(domain);
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var time = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var stamp = time.ToString(TimeFormat, CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(dir, $"{stamp}-{reason}.xml");
        for (var n = 2; File.Exists(path); n++)
        {
            path = System.IO.Path.Combine(dir, $"{stamp}-{reason}-{n}.xml");
        }
        var temp = path + ".tmp";
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(xml);
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path);
        FsyncDirectory(dir);
        return new DomainBackup(path, domain, time, reason);
    }

    /// <summary>A domain's backups, oldest first.</summary>
    public IReadOnlyList<DomainBackup> List(string domain)
    {
        var dir = DirectoryFor(domain);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        var list = new List<DomainBackup>();
        foreach (var path in Directory.EnumerateFiles(dir, "*.xml"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(path);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0 || !DateTimeOffset.TryParseExact(name[..dash], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                continue;
            }
            list.Add(new DomainBackup(path, domain, time, name[(dash + 1)..]));
        }
        return list.OrderBy(b => b.Time).ThenBy(b => b.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>The newest backup of a domain, or null.</summary>
    public DomainBackup? Latest(string domain)
    {
        var all = List(domain);
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>The saved definition, exactly as it was saved.</summary>
    public static string Read(DomainBackup backup)
    {
        ArgumentNullException.ThrowIfNull(backup);
        return Input.InputFiles.ReadText(backup.Path, Core.Input.InputLimits.BackupBytes, "domain backup");
    }

    private static void FsyncDirectory(string dir)
    {
        // A rename is durable only once the directory entry is: fsync the directory (open it read-only).
        var fd = Posix.open(dir, Posix.ORdOnly | Posix.ODirectory);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Posix.fsync(fd);
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }
}

internal static partial class Posix
{
    public const int ORdOnly = 0;
    public const int ODirectory = 0x10000;

    [System.Runtime.InteropServices.LibraryImport("libc", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
    public static partial int open(string path, int flags);

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [System.Runtime.InteropServices.LibraryImport("libc")]
    public static partial int close(int fd);
}
