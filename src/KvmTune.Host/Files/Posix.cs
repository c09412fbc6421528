using System.Runtime.InteropServices;

namespace KvmTune.Host.Files;

/// <summary>The few libc calls .NET does not expose: ownership, fsync of a directory, O_DIRECT.</summary>
internal static partial class Posix
{
    public const int AtFdCwd = -100;
    public const int ORdonly = 0;
    public const int OWronly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ODirectory = 0x10000;
    public const int ODirect = 0x4000; // x86_64 and most architectures; arm64 uses 0x10000
    public const int EInval = 22;
    public const int ENoent = 2;
    public const uint StatxBasicStats = 0x7ff;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>O_DIRECT for the running architecture (asm-generic 0x4000; arm64 and arm 0x10000).</summary>
    public static int ODirectFlag => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : ODirect;

    /// <summary>O_DIRECTORY for the running architecture (asm-generic 0x10000; arm64 and arm 0x4000).</summary>
    public static int ODirectoryFlag => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : ODirectory;

    /// <summary>Owner and group of a path (statx: a layout that is the same on every architecture).</summary>
    public static unsafe (uint Uid, uint Gid) Owner(string path)
    {
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"{path}: statx failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid (offset 20), u32 gid (offset 24).
        return (*(uint*)(buffer + 20), *(uint*)(buffer + 24));
    }

    /// <summary>File type bits and, for a device node, its major:minor (statx stx_mode at 28, stx_rdev_* at 128/132).</summary>
    public static unsafe (uint Mode, uint RdevMajor, uint RdevMinor) Node(string path)
    {
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"{path}: statx failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return (*(ushort*)(buffer + 28), *(uint*)(buffer + 128), *(uint*)(buffer + 132));
    }

    /// <summary>S_IFMT and S_IFBLK.</summary>
    public const uint SIfmt = 0xF000;

    /// <inheritdoc cref="SIfmt"/>
    public const uint SIfblk = 0x6000;

    /// <summary>fsync a directory so a rename in it is durable.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = open(directory, ORdonly | ODirectoryFlag, 0);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = fsync(fd);
        }
        finally
        {
            _ = close(fd);
        }
    }
}
