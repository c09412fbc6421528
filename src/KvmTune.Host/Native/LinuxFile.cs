using System.Runtime.InteropServices;

namespace KvmTune.Host.Native;

/// <summary>What <c>statx(2)</c> says about a path (symlinks followed).</summary>
/// <param name="Mode">st_mode: file type and permission bits.</param>
/// <param name="Size">Apparent size in bytes.</param>
/// <param name="Blocks">512-byte blocks allocated.</param>
/// <param name="DeviceMajor">Major number of the device holding the file.</param>
/// <param name="DeviceMinor">Minor number of the device holding the file.</param>
/// <param name="RdevMajor">For a device node: its major number.</param>
/// <param name="RdevMinor">For a device node: its minor number.</param>
public sealed record FileStatus(uint Mode, long Size, long Blocks, uint DeviceMajor, uint DeviceMinor, uint RdevMajor, uint RdevMinor)
{
    private const uint TypeMask = 0xF000;

    public bool IsBlockDevice => (Mode & TypeMask) == 0x6000;

    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>Fewer bytes allocated than the apparent size: the file has holes.</summary>
    public bool IsSparse => Blocks * 512 < Size;

    /// <summary><c>major:minor</c> of the device the file lives on.</summary>
    public string Device => $"{DeviceMajor}:{DeviceMinor}";

    /// <summary><c>major:minor</c> of a device node.</summary>
    public string Rdev => $"{RdevMajor}:{RdevMinor}";
}

/// <summary>The few Linux system calls KvmTune needs that .NET does not expose.</summary>
public static unsafe partial class LinuxFile
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int OReadOnly = 0;
    private const int OReadWrite = 2;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int EInval = 22;
    private const long IoUringSetup = 425;
    private const int PosixFadviseWillNeed = 3;
    private const int PosixFadviseDontNeed = 4;

    // O_DIRECT differs between architectures (asm-generic 0x4000 on x86; 0x10000 on arm64).
    private static int ODirect => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    /// <summary>statx(2) of a path, or null when it does not exist or cannot be read.</summary>
    public static FileStatus? Stat(string path)
    {
        // struct statx is 256 bytes and has the same layout on every architecture.
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            return null;
        }
        return new FileStatus(
            Mode: *(ushort*)(buffer + 28),
            Size: (long)*(ulong*)(buffer + 40),
            Blocks: (long)*(ulong*)(buffer + 48),
            DeviceMajor: *(uint*)(buffer + 136),
            DeviceMinor: *(uint*)(buffer + 140),
            RdevMajor: *(uint*)(buffer + 128),
            RdevMinor: *(uint*)(buffer + 132));
    }

    /// <summary>
    /// Creates <paramref name="file"/> (which must not exist) with O_DIRECT, writes one aligned 4 KiB block and
    /// removes it. Returns null when that works, else the reason (EINVAL: the file system refuses O_DIRECT).
    /// </summary>
    public static string? TryDirectWrite(string file)
    {
        var fd = open(file, OReadWrite | OCreate | OExclusive | ODirect, 0x180);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == EInval ? "O_DIRECT refused (EINVAL)" : $"open failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        }
        var block = NativeMemory.AlignedAlloc(4096, 4096);
        try
        {
            new Span<byte>(block, 4096).Fill(0x5a);
            var written = pwrite(fd, block, 4096, 0);
            if (written != 4096)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == EInval ? "O_DIRECT write refused (EINVAL)" : $"write failed: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
            return null;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
            _ = close(fd);
            File.Delete(file);
        }
    }

    /// <summary>Opens <paramref name="path"/> read-only with O_DIRECT and reads one aligned 4 KiB block. Null = works.</summary>
    public static string? TryDirectRead(string path)
    {
        var fd = open(path, OReadOnly | ODirect, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == EInval ? "O_DIRECT refused (EINVAL)" : $"open failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        }
        var block = NativeMemory.AlignedAlloc(4096, 4096);
        try
        {
            var read = pread(fd, block, 4096, 0);
            if (read < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == EInval ? "O_DIRECT read refused (EINVAL)" : $"read failed: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
            return null;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
            _ = close(fd);
        }
    }

    /// <summary>Calls io_uring_setup(2) with one entry. Null = io_uring works, else the errno text.</summary>
    public static string? TryIoUringSetup()
    {
        // struct io_uring_params is 120 bytes; all zero asks for defaults.
        var parameters = stackalloc byte[120];
        new Span<byte>(parameters, 120).Clear();
        var fd = syscall(IoUringSetup, 1, (nint)parameters);
        if (fd < 0)
        {
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }
        _ = close((int)fd);
        return null;
    }

    /// <summary>Bytes available to an unprivileged user on the file system holding <paramref name="path"/>, or null.</summary>
    public static long? AvailableBytes(string path)
    {
        // struct statvfs on 64-bit Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail … each 8 bytes.
        var buffer = stackalloc byte[128];
        if (statvfs(path, buffer) != 0)
        {
            return null;
        }
        return (long)(*(ulong*)(buffer + 8) * *(ulong*)(buffer + 32));
    }

    /// <summary>
    /// Drops a file's or block device's clean pages from the host page cache (fdatasync first, so that pages the last
    /// measurement dirtied are written and can go): the next buffered read comes from the storage. Opens the path
    /// read-only and changes no data. False when the path cannot be opened.
    /// </summary>
    public static bool EvictPageCache(string path)
    {
        var fd = open(path, OReadOnly, 0);
        if (fd < 0)
        {
            return false;
        }
        try
        {
            _ = fdatasync(fd);
            return posix_fadvise(fd, 0, 0, PosixFadviseDontNeed) == 0;
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes of a file or block device through the host page cache, so that a cached
    /// mode's next reads hit it (the page cache is warm as on a host whose working set fits in memory). Read only; a
    /// path that cannot be read is left cold (the burst figure it serves is information, not the ranking basis).
    /// </summary>
    public static void WarmPageCache(string path, long length)
    {
        var fd = open(path, OReadOnly, 0);
        if (fd < 0)
        {
            return;
        }
        const int Chunk = 1 << 20;
        var buffer = NativeMemory.Alloc(Chunk);
        try
        {
            _ = posix_fadvise(fd, 0, length, PosixFadviseWillNeed);
            for (long offset = 0; offset < length;)
            {
                var read = pread(fd, buffer, (nint)Math.Min(Chunk, length - offset), offset);
                if (read <= 0)
                {
                    return;
                }
                offset += read;
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
            _ = close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statvfs(string path, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint pwrite(int fd, void* buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint pread(int fd, void* buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long arg1, nint arg2);
}
