using System.Runtime.InteropServices;
using System.Text;

namespace KvmTune.Host.Files;

/// <summary>
/// Replaces a file's content atomically: a temporary file in the same directory, written and fsynced, given the
/// original's permissions and ownership, renamed over the original, and the directory fsynced. Readers see the old
/// or the new content, never a mix. Unchanged content is never rewritten.
/// </summary>
public static class AtomicFileWriter
{
    /// <summary>UTF-8 without a byte-order mark (a BOM in the text is kept as a character).</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; false when the file already holds exactly it.</summary>
    public static bool Write(string path, string content) => Write(path, Utf8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; false when the file already holds exactly it.</summary>
    public static bool Write(string path, byte[] content)
    {
        // A symlinked file (config management often links /etc/nova/nova.conf) is written through the link: renaming
        // over the link itself would replace it with a regular file.
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            full = target.FullName;
        }
        var exists = File.Exists(full);
        if (exists && File.ReadAllBytes(full).AsSpan().SequenceEqual(content))
        {
            return false;
        }
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.kvmtune-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            if (exists)
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
                var (uid, gid) = Posix.Owner(full);
                if (Posix.chown(temp, uid, gid) != 0)
                {
                    throw new IOException($"{full}: cannot keep the owner {uid}:{gid}: {Marshal.GetLastPInvokeErrorMessage()}");
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        Posix.FsyncDirectory(directory);
        return true;
    }

    /// <summary>
    /// Copies <paramref name="path"/> into <paramref name="backupDirectory"/> as <c>NAME.YYYYMMDDTHHMMSSfffZ</c> (never
    /// overwriting an existing backup), fsynced; returns the backup's path.
    /// </summary>
    public static string Backup(string path, string backupDirectory, DateTimeOffset now)
    {
        Directory.CreateDirectory(backupDirectory);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = Path.Combine(backupDirectory, $"{Path.GetFileName(path)}.{stamp}");
        for (var n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(backupDirectory, $"{Path.GetFileName(path)}.{stamp}.{n}");
        }
        var bytes = File.ReadAllBytes(path);
        using (var stream = new FileStream(target, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        Posix.FsyncDirectory(backupDirectory);
        return target;
    }
}
