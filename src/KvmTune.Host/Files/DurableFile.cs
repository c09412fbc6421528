using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using KvmTune.Core;
using KvmTune.Host.Native;

namespace KvmTune.Host.Files;

/// <summary>How a write ended.</summary>
public enum WriteKind
{
    /// <summary>The file already held exactly this content: not touched.</summary>
    Unchanged,

    /// <summary>A new file.</summary>
    Created,

    /// <summary>A temporary file was renamed over the old one (atomic: readers see old or new).</summary>
    Replaced,

    /// <summary>The file has other hard links: its content was rewritten in place so every name keeps seeing it.</summary>
    RewrittenInPlace,
}

/// <summary>The result of <see cref="DurableFile.Write(string, ReadOnlySpan{byte})"/>.</summary>
/// <param name="Path">The file written (a symlinked target's final file).</param>
/// <param name="Kind">How.</param>
/// <param name="Links">Its hard links (for <see cref="WriteKind.RewrittenInPlace"/>).</param>
public sealed record FileWrite(string Path, WriteKind Kind, uint Links)
{
    public bool Changed => Kind != WriteKind.Unchanged;

    /// <summary>One line for the user: "wrote PATH", "rewrote PATH in place (3 hard links)", "PATH unchanged".</summary>
    public string Describe() => Kind switch
    {
        WriteKind.Unchanged => $"{Path} unchanged",
        WriteKind.RewrittenInPlace => $"rewrote {Path} in place: it has {Links} hard links, which a rename would break",
        _ => $"wrote {Path}",
    };
}

/// <summary>
/// The one file-replacement routine for every file KvmTune writes (nova.conf, backups, reports, policy files, its own
/// files). Regular files only: a device node, FIFO, socket or directory as the target is refused with one line and left
/// untouched. The new content goes to a temporary file in the same directory, which is written, given the original's
/// owner, extended attributes (ACLs, SELinux labels, capabilities) and mode, fsynced and renamed over the original;
/// then the directory is fsynced. A file with other hard links is rewritten in place instead (space reserved first),
/// so that every name keeps seeing it. A symlinked target is written through the link. Unchanged content is never
/// rewritten. New files are private (0600). The temporary file is locked while it exists; a killed writer's temporary
/// file is removed by the next write to the same file (<see cref="RemoveLeftovers(string)"/>).
/// </summary>
public static class DurableFile
{
    /// <summary>rw------- : every file KvmTune creates for itself.</summary>
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>UTF-8 without a byte-order mark (a BOM in the text is kept as a character); invalid bytes throw.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="text"/> (UTF-8) to a file the user named: see <see cref="Write(string, ReadOnlySpan{byte})"/>.</summary>
    public static FileWrite WriteText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Write(path, Utf8.GetBytes(text));
    }

    /// <summary>
    /// Replaces the content of a file the user named (nova.conf, a report, a policy file). A symlink is followed to its
    /// final target; a missing file is created 0600.
    /// </summary>
    /// <exception cref="InputException">The target is not a regular file, or a symlink to nothing.</exception>
    /// <exception cref="IOException">The write failed (full file system, permissions); the file is unchanged.</exception>
    public static FileWrite Write(string path, ReadOnlySpan<byte> content) => Write(path, content, followLink: true, tighten: false);

    /// <summary>
    /// Writes one of KvmTune's own files (inside a <see cref="PrivateDirectory"/>): a symlink there is refused, not
    /// followed, and the file is left 0600 however it was before.
    /// </summary>
    public static FileWrite WritePrivate(string path, ReadOnlySpan<byte> content) => Write(path, content, followLink: false, tighten: true);

    /// <summary>
    /// Creates a new private file (0600) that must not exist yet, complete or not at all: the content goes to a
    /// temporary file, fsynced, which is then hard-linked under its name (never replacing anything) and removed; the
    /// directory is fsynced. On a full file system nothing with the final name is left behind.
    /// </summary>
    /// <exception cref="IOException">The name exists (<see cref="FileAlreadyExistsException"/>) or the write failed.</exception>
    public static void CreateNew(string path, ReadOnlySpan<byte> content) => CreateNewFile(path, content, like: null, likePath: null);

    /// <summary>
    /// Creates a new file that must not exist yet with the owner, extended attributes and mode of the regular file
    /// <paramref name="like"/> (a module added to an installed package gets what its neighbours have, 0644 root:root),
    /// complete or not at all, as <see cref="CreateNew(string, ReadOnlySpan{byte})"/> does.
    /// </summary>
    /// <exception cref="IOException">The name exists (<see cref="FileAlreadyExistsException"/>), <paramref name="like"/> is not a regular file, or the write failed.</exception>
    public static void CreateNewLike(string path, ReadOnlySpan<byte> content, string like)
    {
        var status = LinuxFile.LinkStat(like);
        if (status is not { IsRegularFile: true })
        {
            throw new IOException($"{like}: not a regular file to take the mode and owner of {path} from");
        }
        CreateNewFile(path, content, status, like);
    }

    private static void CreateNewFile(string path, ReadOnlySpan<byte> content, FileStatus? like, string? likePath)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        // KvmTune's own directory (a private file): a killed run's temporary files of any name go; beside someone
        // else's files (a file created like its neighbours), only those of this name.
        RemoveLeftovers(directory, name: like is null ? null : Path.GetFileName(full));
        var (temp, fd) = CreateTemp(directory, Path.GetFileName(full));
        try
        {
            FillTemp(fd, temp, content, original: like, originalPath: likePath, mode: like?.Permissions ?? (uint)PrivateMode);
            if (Libc.Link(temp, full) != 0)
            {
                var errno = Libc.LastErrno;
                throw errno == Libc.EExist
                    ? new FileAlreadyExistsException(full)
                    : new IOException($"{full}: cannot create it: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        finally
        {
            File.Delete(temp);
            _ = Libc.Close(fd);
        }
        LinuxFile.FsyncDirectory(directory);
    }

    /// <summary>
    /// Saves <paramref name="content"/> as a backup <c>NAME.YYYYMMDDTHHMMSSfffZ</c> in <paramref name="backupDirectory"/>
    /// (a suffix <c>.1</c>, <c>.2</c> … when taken), with <see cref="CreateNew"/>: complete or absent. Returns its path.
    /// </summary>
    public static string Backup(string fileName, ReadOnlySpan<byte> content, string backupDirectory, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        for (var n = 0; ; n++)
        {
            var target = Path.Combine(backupDirectory, n == 0 ? $"{fileName}.{stamp}" : $"{fileName}.{stamp}.{n}");
            try
            {
                CreateNew(target, content);
                return target;
            }
            catch (FileAlreadyExistsException) when (n < 1000)
            {
            }
        }
    }

    /// <summary>Throws <see cref="InputException"/> when <paramref name="path"/> exists and is not a regular file (symlinks followed).</summary>
    public static void RefuseSpecial(string path)
    {
        if (LinuxFile.Stat(path) is { IsRegularFile: false } status)
        {
            throw new InputException($"{path}: is {status.Kind}, not a regular file; refusing to replace it");
        }
    }

    /// <summary>
    /// Makes sure one of KvmTune's own files exists (created empty, 0600, when missing: the SQLite store); a symlink is
    /// refused; with <paramref name="tighten"/> an existing file loses its group and other permissions.
    /// </summary>
    public static void EnsurePrivateFile(string path, bool tighten)
    {
        var full = Path.GetFullPath(path);
        var status = LinuxFile.LinkStat(full);
        if (status is null)
        {
            var fd = Libc.Open(full, Libc.OWrOnly | Libc.OCreat | Libc.OExcl | Libc.ONoFollow | Libc.OCloexec, (uint)PrivateMode);
            if (fd < 0)
            {
                if (Libc.LastErrno == Libc.EExist)
                {
                    EnsurePrivateFile(full, tighten);
                    return;
                }
                throw new IOException($"{full}: cannot create it: {Libc.LastError}");
            }
            _ = Libc.Close(fd);
            LinuxFile.FsyncDirectory(Path.GetDirectoryName(full)!);
            return;
        }
        if (status.IsSymbolicLink && tighten)
        {
            throw new UnsafePathException($"{full}: is a symbolic link inside KvmTune's own directory; refusing to follow it");
        }
        RefuseSpecial(full);
        if (tighten && (status.Permissions & 0x3F) != 0)
        {
            File.SetUnixFileMode(full, (UnixFileMode)(status.Permissions & ~0x3Fu));
        }
    }

    private static FileWrite Write(string path, ReadOnlySpan<byte> content, bool followLink, bool tighten)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var status = LinuxFile.LinkStat(full);
        if (status is { IsSymbolicLink: true })
        {
            if (!followLink)
            {
                throw new UnsafePathException($"{full}: is a symbolic link inside KvmTune's own directory; refusing to follow it");
            }
            // Config management often links /etc/nova/nova.conf: write the file the link names, keep the link.
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            status = target is null ? null : LinuxFile.LinkStat(target);
            if (target is null || status is null)
            {
                throw new InputException($"{path}: a symbolic link to {target ?? "nothing"}, which does not exist; refusing to create it");
            }
            full = target;
        }
        if (status is not null && !status.IsRegularFile)
        {
            throw new InputException($"{path}: is {status.Kind}, not a regular file; refusing to replace it");
        }
        var directory = Path.GetDirectoryName(full)!;
        RemoveLeftovers(directory, Path.GetFileName(full));
        if (status is not null)
        {
            if (content.SequenceEqual(File.ReadAllBytes(full)))
            {
                if (tighten && (status.Permissions & 0x3F) != 0)
                {
                    File.SetUnixFileMode(full, (UnixFileMode)(status.Permissions & ~0x3Fu));
                }
                return new FileWrite(full, WriteKind.Unchanged, status.Links);
            }
            if (status.Links > 1)
            {
                RewriteInPlace(full, content, status);
                return new FileWrite(full, WriteKind.RewrittenInPlace, status.Links);
            }
        }
        var mode = status is null ? (uint)PrivateMode : tighten ? status.Permissions & ~0x3Fu : status.Permissions;
        var (temp, fd) = CreateTemp(directory, Path.GetFileName(full));
        try
        {
            FillTemp(fd, temp, content, status, full, mode);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        finally
        {
            // Closed (and its lock released) only once the temporary name is gone: see RemoveLeftovers.
            _ = Libc.Close(fd);
        }
        LinuxFile.FsyncDirectory(directory);
        return new FileWrite(full, status is null ? WriteKind.Created : WriteKind.Replaced, 1);
    }

    /// <summary>
    /// Removes the temporary files a killed KvmTune left beside <paramref name="path"/> (a file the user named, after
    /// following a symlink as <see cref="Write(string, ReadOnlySpan{byte})"/> does): <c>.NAME.kvmtune-GUID.tmp</c>
    /// whose writer is gone. Every write does this first; a command that is asked to write a file and finds it already
    /// as wanted calls it too. Returns the files removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveLeftovers(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (LinuxFile.LinkStat(full) is { IsSymbolicLink: true } && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName is { } target)
        {
            full = target;
        }
        return RemoveLeftovers(Path.GetDirectoryName(full)!, Path.GetFileName(full));
    }

    /// <summary>
    /// Removes <c>.NAME.kvmtune-GUID.tmp</c> files in <paramref name="directory"/> (of <paramref name="name"/> only, or
    /// of any name in KvmTune's own directories) that no live writer holds. A writer holds an exclusive <c>flock</c> on
    /// its temporary file from creating it until the name is gone (renamed over the target, or unlinked after the
    /// backup's link); the kernel releases it when the writer dies, however it dies. A file is removed only while this
    /// process holds its lock and the name still refers to the locked file.
    /// </summary>
    internal static IReadOnlyList<string> RemoveLeftovers(string directory, string? name)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, name is null ? ".*.kvmtune-*.tmp" : $".{name}.kvmtune-*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (var candidate in candidates)
        {
            var file = Path.GetFileName(candidate);
            if (!IsTempName(file, name))
            {
                continue;
            }
            var fd = Libc.Open(candidate, Libc.ORdOnly | Libc.ONoFollow | Libc.ONonBlock | Libc.OCloexec, 0);
            if (fd < 0)
            {
                continue;
            }
            try
            {
                if (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
                {
                    continue; // a live writer
                }
                if (LinuxFile.StatDescriptor(fd) is { IsRegularFile: true } held && LinuxFile.LinkStat(candidate) is { } named
                    && named.Inode == held.Inode && named.Device == held.Device)
                {
                    File.Delete(candidate);
                    removed.Add(candidate);
                }
            }
            finally
            {
                _ = Libc.Close(fd);
            }
        }
        return removed;
    }

    private const string TempMarker = ".kvmtune-";

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary><c>.NAME.kvmtune-GUID.tmp</c> with 32 hex digits (of <paramref name="name"/> when given).</summary>
    public static bool IsTempName(string file, string? name)
    {
        if (!file.StartsWith('.') || !file.EndsWith(".tmp", StringComparison.Ordinal) || file.Length < 1 + 1 + TempMarker.Length + 32 + 4)
        {
            return false;
        }
        var guid = file.AsSpan(file.Length - 4 - 32, 32);
        var marker = file.AsSpan(file.Length - 4 - 32 - TempMarker.Length, TempMarker.Length);
        var target = file.AsSpan(1, file.Length - 1 - 4 - 32 - TempMarker.Length);
        return marker.SequenceEqual(TempMarker) && !guid.ContainsAnyExcept(LowerHex) && target.Length > 0
            && (name is null || target.SequenceEqual(name));
    }

    /// <summary>
    /// Creates a temporary file <c>.NAME.kvmtune-GUID.tmp</c> in <paramref name="directory"/> (0600, never through a
    /// symlink) and takes its lock (see <see cref="RemoveLeftovers(string, string?)"/>). Returns its path and descriptor.
    /// </summary>
    private static (string Path, int Fd) CreateTemp(string directory, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var temp = Path.Combine(directory, $".{name}{TempMarker}{Guid.NewGuid():N}.tmp");
            var fd = Libc.Open(temp, Libc.OWrOnly | Libc.OCreat | Libc.OExcl | Libc.ONoFollow | Libc.OCloexec, (uint)PrivateMode);
            if (fd < 0)
            {
                throw new IOException($"{directory}: cannot create a temporary file: {Libc.LastError}");
            }
            int locked;
            while ((locked = Libc.Flock(fd, Libc.LockExclusive)) != 0 && Libc.LastErrno == Libc.EIntr)
            {
            }
            if (locked != 0)
            {
                var error = Libc.LastError;
                _ = Libc.Close(fd);
                File.Delete(temp);
                throw new IOException($"{temp}: cannot lock it: {error}");
            }
            // Another KvmTune's clean-up may have taken the new file for a leftover between open and flock: then the
            // name is gone (or another file's), and a new name is tried.
            if (LinuxFile.StatDescriptor(fd) is { } held && LinuxFile.LinkStat(temp) is { } named && named.Inode == held.Inode && named.Device == held.Device)
            {
                return (temp, fd);
            }
            _ = Libc.Close(fd);
            if (attempt >= 100)
            {
                throw new IOException($"{directory}: cannot keep a temporary file: it is removed as soon as it is created");
            }
        }
    }

    /// <summary>Fills the temporary file: content, then the original's owner, extended attributes and mode, then fsync.</summary>
    private static void FillTemp(int fd, string temp, ReadOnlySpan<byte> content, FileStatus? original, string? originalPath, uint mode)
    {
        WriteAll(fd, content, temp);
        if (original is not null)
        {
            // Owner first (chown drops capabilities and set-id bits), then the attributes, then the mode (which
            // also sets the ACL mask back to the original's group bits).
            if (Libc.Fchown(fd, original.Uid, original.Gid) != 0)
            {
                throw new IOException($"{originalPath}: cannot keep the owner {original.Uid}:{original.Gid}: {Libc.LastError}");
            }
            var source = Libc.Open(originalPath!, Libc.ORdOnly | Libc.ONoFollow | Libc.ONonBlock | Libc.OCloexec, 0);
            if (source < 0)
            {
                throw new IOException($"{originalPath}: cannot open it to copy its extended attributes: {Libc.LastError}");
            }
            try
            {
                ExtendedAttributes.Copy(source, originalPath!, fd, temp);
            }
            finally
            {
                _ = Libc.Close(source);
            }
        }
        if (Libc.Fchmod(fd, mode) != 0)
        {
            throw new IOException($"{temp}: cannot set mode {Convert.ToString(mode, 8)}: {Libc.LastError}");
        }
        // fsync reports the write errors a later close could otherwise be the first to see (NFS); the descriptor stays
        // open, and the file locked, until the temporary name is gone.
        if (Libc.Fsync(fd) != 0)
        {
            throw new IOException($"{temp}: fsync failed: {Libc.LastError}");
        }
    }

    /// <summary>Rewrites a hard-linked file in place: space reserved first, content written, length cut, fsynced.</summary>
    private static void RewriteInPlace(string path, ReadOnlySpan<byte> content, FileStatus status)
    {
        var fd = Libc.Open(path, Libc.OWrOnly | Libc.ONoFollow | Libc.OCloexec, 0);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open it for writing: {Libc.LastError}");
        }
        try
        {
            // Reserve the blocks first, so that a full file system fails here, before a byte changes.
            if (content.Length > status.Size)
            {
                var error = Libc.PosixFallocate(fd, 0, content.Length);
                if (error != 0 && error != Libc.EOpNotSupp && error != Libc.EInval)
                {
                    throw new IOException($"{path}: cannot reserve {content.Length} bytes: {Marshal.GetPInvokeErrorMessage(error)}; the file is unchanged");
                }
            }
            WriteAll(fd, content, path);
            if (Libc.Ftruncate(fd, content.Length) != 0)
            {
                throw new IOException($"{path}: cannot set its length: {Libc.LastError}");
            }
            if (Libc.Fsync(fd) != 0)
            {
                throw new IOException($"{path}: fsync failed: {Libc.LastError}");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    private static unsafe void WriteAll(int fd, ReadOnlySpan<byte> content, string path)
    {
        fixed (byte* start = content)
        {
            long offset = 0;
            while (offset < content.Length)
            {
                var written = Libc.Pwrite(fd, start + offset, (nint)(content.Length - offset), offset);
                if (written < 0)
                {
                    if (Libc.LastErrno == Libc.EIntr)
                    {
                        continue;
                    }
                    throw new IOException($"{path}: write failed: {Libc.LastError}");
                }
                offset += written;
            }
        }
    }
}

/// <summary>A path inside KvmTune's own directories is not what KvmTune made (a symlink, another owner): refused.</summary>
public sealed class UnsafePathException(string message) : IOException(message);

/// <summary>A file that must be new already exists.</summary>
public sealed class FileAlreadyExistsException(string path) : IOException($"{path}: already exists")
{
    public string Path { get; } = path;
}
