using System.Runtime.InteropServices;

namespace KvmTune.Host.Native;

/// <summary>What <c>statx(2)</c> says about a path.</summary>
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

    /// <summary>Number of hard links.</summary>
    public uint Links { get; init; }

    /// <summary>Owner.</summary>
    public uint Uid { get; init; }

    /// <summary>Group.</summary>
    public uint Gid { get; init; }

    /// <summary>Inode number.</summary>
    public ulong Inode { get; init; }

    /// <summary>The permission bits (with set-id and sticky bits).</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool IsBlockDevice => (Mode & TypeMask) == 0x6000;

    public bool IsCharacterDevice => (Mode & TypeMask) == 0x2000;

    public bool IsFifo => (Mode & TypeMask) == 0x1000;

    public bool IsSocket => (Mode & TypeMask) == 0xC000;

    public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;

    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>Fewer bytes allocated than the apparent size: the file has holes.</summary>
    public bool IsSparse => Blocks * 512 < Size;

    /// <summary><c>major:minor</c> of the device the file lives on.</summary>
    public string Device => $"{DeviceMajor}:{DeviceMinor}";

    /// <summary><c>major:minor</c> of a device node.</summary>
    public string Rdev => $"{RdevMajor}:{RdevMinor}";

    /// <summary>What kind of file this is, in words (<c>a character device</c>, <c>a FIFO</c>).</summary>
    public string Kind => (Mode & TypeMask) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x1000 => "a FIFO",
        0xC000 => "a socket",
        0xA000 => "a symbolic link",
        _ => "an unknown kind of file",
    };
}

/// <summary>The few Linux system calls KvmTune needs that .NET does not expose (through <see cref="Libc"/>).</summary>
public static unsafe class LinuxFile
{
    private const int PosixFadviseWillNeed = Libc.FadviseWillNeed;
    private const int PosixFadviseDontNeed = Libc.FadviseDontNeed;

    /// <summary>statx(2) of a path, following symlinks, or null when it does not exist or cannot be read.</summary>
    public static FileStatus? Stat(string path) => StatWith(path, 0);

    /// <summary>statx(2) of a path itself (a symlink is described, not followed), or null when it does not exist.</summary>
    public static FileStatus? LinkStat(string path) => StatWith(path, Libc.AtSymlinkNoFollow);

    private static FileStatus? StatWith(string path, int flags)
    {
        // struct statx is 256 bytes and has the same layout on every architecture: u32 mask, u32 blksize,
        // u64 attributes, u32 nlink (16), u32 uid (20), u32 gid (24), u16 mode (28), u64 ino (32), u64 size (40),
        // u64 blocks (48), … u32 rdev_major (128), rdev_minor (132), dev_major (136), dev_minor (140).
        var buffer = stackalloc byte[256];
        if (Libc.Statx(Libc.AtFdCwd, path, flags, Libc.StatxBasicStats, buffer) != 0)
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
            RdevMinor: *(uint*)(buffer + 132))
        {
            Links = *(uint*)(buffer + 16),
            Uid = *(uint*)(buffer + 20),
            Gid = *(uint*)(buffer + 24),
            Inode = *(ulong*)(buffer + 32),
        };
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => Libc.Geteuid();

    /// <summary>
    /// Creates <paramref name="file"/> (which must not exist) with O_DIRECT, writes one aligned 4 KiB block and
    /// removes it. Returns null when that works, else the reason (EINVAL: the file system refuses O_DIRECT).
    /// </summary>
    public static string? TryDirectWrite(string file)
    {
        var fd = Libc.Open(file, Libc.ORdWr | Libc.OCreat | Libc.OExcl | Libc.ODirect | Libc.OCloexec, 0x180);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            return errno == Libc.EInval ? "O_DIRECT refused (EINVAL)" : $"open failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        }
        var block = NativeMemory.AlignedAlloc(4096, 4096);
        try
        {
            new Span<byte>(block, 4096).Fill(0x5a);
            var written = Libc.Pwrite(fd, block, 4096, 0);
            if (written != 4096)
            {
                var errno = Libc.LastErrno;
                return errno == Libc.EInval ? "O_DIRECT write refused (EINVAL)" : $"write failed: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
            return null;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
            _ = Libc.Close(fd);
            File.Delete(file);
        }
    }

    /// <summary>Opens <paramref name="path"/> read-only with O_DIRECT and reads one aligned 4 KiB block. Null = works.</summary>
    public static string? TryDirectRead(string path)
    {
        var fd = Libc.Open(path, Libc.ORdOnly | Libc.ODirect | Libc.OCloexec, 0);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            return errno == Libc.EInval ? "O_DIRECT refused (EINVAL)" : $"open failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        }
        var block = NativeMemory.AlignedAlloc(4096, 4096);
        try
        {
            var read = Libc.Pread(fd, block, 4096, 0);
            if (read < 0)
            {
                var errno = Libc.LastErrno;
                return errno == Libc.EInval ? "O_DIRECT read refused (EINVAL)" : $"read failed: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
            return null;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
            _ = Libc.Close(fd);
        }
    }

    /// <summary>Calls io_uring_setup(2) with one entry. Null = io_uring works, else the errno text.</summary>
    public static string? TryIoUringSetup()
    {
        // struct io_uring_params is 120 bytes; all zero asks for defaults.
        var parameters = stackalloc byte[120];
        new Span<byte>(parameters, 120).Clear();
        var fd = Libc.Syscall(Libc.SysIoUringSetup, 1, (nint)parameters);
        if (fd < 0)
        {
            return Marshal.GetPInvokeErrorMessage(Libc.LastErrno);
        }
        _ = Libc.Close((int)fd);
        return null;
    }

    /// <summary>Bytes available to an unprivileged user on the file system holding <paramref name="path"/>, or null.</summary>
    public static long? AvailableBytes(string path)
    {
        // struct statvfs on 64-bit Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail … each 8 bytes.
        var buffer = stackalloc byte[128];
        if (Libc.Statvfs(path, buffer) != 0)
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
        var fd = Libc.Open(path, Libc.ORdOnly | Libc.OCloexec, 0);
        if (fd < 0)
        {
            return false;
        }
        try
        {
            _ = Libc.Fdatasync(fd);
            return Libc.PosixFadvise(fd, 0, 0, PosixFadviseDontNeed) == 0;
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes of a file or block device through the host page cache, so that a cached
    /// mode's next reads hit it (the page cache is warm as on a host whose working set fits in memory). Read only; a
    /// path that cannot be read is left cold (the burst figure it serves is information, not the ranking basis).
    /// </summary>
    public static void WarmPageCache(string path, long length)
    {
        var fd = Libc.Open(path, Libc.ORdOnly | Libc.OCloexec, 0);
        if (fd < 0)
        {
            return;
        }
        const int Chunk = 1 << 20;
        var buffer = NativeMemory.Alloc(Chunk);
        try
        {
            _ = Libc.PosixFadvise(fd, 0, length, PosixFadviseWillNeed);
            for (long offset = 0; offset < length;)
            {
                var read = Libc.Pread(fd, buffer, (nint)Math.Min(Chunk, length - offset), offset);
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
            _ = Libc.Close(fd);
        }
    }

    /// <summary>fsync a directory so that a rename or a new entry in it is durable. Errors are ignored (best effort).</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = Libc.Open(directory, Libc.ORdOnly | Libc.ODirectory | Libc.OCloexec, 0);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Libc.Fsync(fd);
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>
    /// Whether a block device can be opened exclusively (O_EXCL): the kernel refuses (EBUSY) while a file system is
    /// mounted on it, it is swap, or device-mapper/md holds it — in any mount namespace. Null = free, else the reason.
    /// Opens read-only and reads nothing.
    /// </summary>
    public static string? ExclusiveOpenRefusal(string device)
    {
        var fd = Libc.Open(device, Libc.ORdOnly | Libc.OExcl | Libc.OCloexec, 0);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            return errno == Libc.EBusy ? "in use (the kernel refuses an exclusive open: mounted, swap or held)" : null;
        }
        _ = Libc.Close(fd);
        return null;
    }

    /// <summary>
    /// The backing file of a loop device as the kernel knows it (LOOP_GET_STATUS64): the device and inode of the file,
    /// and the device number when the backing file is itself a device node. Null when <paramref name="loopDevice"/> is
    /// not an attached loop device.
    /// </summary>
    public static LoopBacking? LoopBackingOf(string loopDevice)
    {
        var fd = Libc.Open(loopDevice, Libc.ORdOnly | Libc.OCloexec, 0);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            // struct loop_info64: u64 lo_device, u64 lo_inode, u64 lo_rdevice, u64 lo_offset, u64 lo_sizelimit, … (232 bytes).
            var info = stackalloc byte[256];
            new Span<byte>(info, 256).Clear();
            if (Libc.Ioctl(fd, Libc.LoopGetStatus64, info) != 0)
            {
                return null;
            }
            return new LoopBacking(*(ulong*)info, *(ulong*)(info + 8), *(ulong*)(info + 16), *(ulong*)(info + 24));
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>The identity of a file (dev_t as glibc's makedev, inode), following symlinks, or null.</summary>
    public static FileIdentity? IdentityOf(string path) =>
        Stat(path) is { } s ? new FileIdentity(Libc.MakeDev(s.DeviceMajor, s.DeviceMinor), s.Inode) : null;
}

/// <summary>A file by identity: the device it lives on (dev_t) and its inode number. Names can lie; this cannot.</summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"{Device}:{Inode}";

    public static FileIdentity? Parse(string text)
    {
        var parts = text.Trim().Split(':');
        return parts.Length == 2
            && ulong.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var dev)
            && ulong.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ino)
            ? new FileIdentity(dev, ino)
            : null;
    }
}

/// <summary>What a loop device reads and writes: the backing file's identity and, for a device node, its number.</summary>
/// <param name="Device">dev_t of the file system holding the backing file.</param>
/// <param name="Inode">The backing file's inode.</param>
/// <param name="Rdevice">dev_t of the backing file when it is a device node, else 0.</param>
/// <param name="Offset">Where in the backing file the loop device starts.</param>
public sealed record LoopBacking(ulong Device, ulong Inode, ulong Rdevice, ulong Offset)
{
    public FileIdentity File => new(Device, Inode);
}
