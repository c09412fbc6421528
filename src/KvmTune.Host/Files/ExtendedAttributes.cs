using System.Text;
using KvmTune.Host.Native;

namespace KvmTune.Host.Files;

/// <summary>
/// Copies every extended attribute of one open file to another: user.*, trusted.*, security.* (SELinux and SMACK
/// labels, file capabilities) and system.posix_acl_access (the ACL). A replacement file must carry them, or a rename
/// over the original would silently drop an ACL or a label.
/// </summary>
internal static unsafe class ExtendedAttributes
{
    /// <summary>The names of a file's extended attributes.</summary>
    public static IReadOnlyList<string> List(int fd, string path)
    {
        while (true)
        {
            var size = Libc.Flistxattr(fd, null, 0);
            if (size < 0)
            {
                if (Libc.LastErrno is Libc.EOpNotSupp)
                {
                    return [];
                }
                throw new IOException($"{path}: cannot list extended attributes: {Libc.LastError}");
            }
            if (size == 0)
            {
                return [];
            }
            var buffer = new byte[size];
            fixed (byte* list = buffer)
            {
                var got = Libc.Flistxattr(fd, list, size);
                if (got < 0 && Libc.LastErrno == Libc.ERange)
                {
                    continue; // an attribute was added in between: ask again
                }
                if (got < 0)
                {
                    throw new IOException($"{path}: cannot list extended attributes: {Libc.LastError}");
                }
                return [.. Encoding.UTF8.GetString(buffer, 0, (int)got).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
            }
        }
    }

    /// <summary>The value of one attribute, or null when it disappeared in between.</summary>
    public static byte[]? Get(int fd, string path, string name)
    {
        while (true)
        {
            var size = Libc.Fgetxattr(fd, name, null, 0);
            if (size < 0)
            {
                return Libc.LastErrno == Libc.ENoData ? null : throw new IOException($"{path}: cannot read extended attribute {name}: {Libc.LastError}");
            }
            var buffer = new byte[size];
            fixed (byte* value = buffer)
            {
                var got = Libc.Fgetxattr(fd, name, value, size);
                if (got < 0 && Libc.LastErrno == Libc.ERange)
                {
                    continue;
                }
                if (got < 0)
                {
                    return Libc.LastErrno == Libc.ENoData ? null : throw new IOException($"{path}: cannot read extended attribute {name}: {Libc.LastError}");
                }
                return buffer[..(int)got];
            }
        }
    }

    /// <summary>Copies every attribute of <paramref name="sourceFd"/> to <paramref name="targetFd"/>; any failure throws.</summary>
    public static void Copy(int sourceFd, string sourcePath, int targetFd, string targetPath)
    {
        foreach (var name in List(sourceFd, sourcePath))
        {
            var value = Get(sourceFd, sourcePath, name);
            if (value is null)
            {
                continue;
            }
            fixed (byte* data = value)
            {
                if (Libc.Fsetxattr(targetFd, name, data, value.Length, 0) != 0)
                {
                    throw new IOException($"{sourcePath}: cannot keep extended attribute {name} on the replacement ({targetPath}): {Libc.LastError}");
                }
            }
        }
    }
}
