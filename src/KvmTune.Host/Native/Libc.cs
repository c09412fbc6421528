using System.Runtime.InteropServices;

namespace KvmTune.Host.Native;

/// <summary>
/// Every libc function KvmTune calls, and the flag values that differ between architectures (O_DIRECT, O_DIRECTORY,
/// O_NOFOLLOW): one place, so a port to another architecture changes one file.
/// </summary>
internal static unsafe partial class Libc
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;
    public const int OCloexec = 0x80000;

    public const int EPerm = 1;
    public const int ENoent = 2;
    public const int EIntr = 4;
    public const int EBusy = 16;
    public const int EExist = 17;
    public const int EInval = 22;
    public const int ENoSpc = 28;
    public const int ERange = 34;
    public const int EWouldBlock = 11;
    public const int ENoData = 61;
    public const int EOpNotSupp = 95;

    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;

    public const int FadviseWillNeed = 3;
    public const int FadviseDontNeed = 4;

    public const int ClockThreadCpuTimeId = 3;

    public const long SysIoUringSetup = 425;

    /// <summary>LOOP_GET_STATUS64 (linux/loop.h): fills a <c>struct loop_info64</c>.</summary>
    public const ulong LoopGetStatus64 = 0x4C05;

    private static bool IsArm => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    /// <summary>O_DIRECT: asm-generic 0x4000 (x86, x86-64); arm and arm64 0x10000.</summary>
    public static int ODirect => IsArm ? 0x10000 : 0x4000;

    /// <summary>O_DIRECTORY: asm-generic 0x10000; arm and arm64 0x4000.</summary>
    public static int ODirectory => IsArm ? 0x4000 : 0x10000;

    /// <summary>O_NOFOLLOW: asm-generic 0x20000; arm and arm64 0x8000.</summary>
    public static int ONoFollow => IsArm ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint Pwrite(int fd, void* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint Pread(int fd, void* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existing, string created);

    /// <summary>posix_fallocate(3): returns the error number itself (0 = done), not -1.</summary>
    [LibraryImport("libc", EntryPoint = "posix_fallocate")]
    public static partial int PosixFallocate(int fd, long offset, long length);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statvfs(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "posix_fadvise", SetLastError = true)]
    public static partial int PosixFadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, void* argument);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long arg1, nint arg2);

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGettime(int clockId, out Timespec time);

    [LibraryImport("libc", EntryPoint = "flistxattr", SetLastError = true)]
    public static partial nint Flistxattr(int fd, byte* list, nint size);

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Fgetxattr(int fd, string name, byte* value, nint size);

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Fsetxattr(int fd, string name, byte* value, nint size, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>The text of the last errno set by a call above.</summary>
    public static string LastError => Marshal.GetLastPInvokeErrorMessage();

    /// <summary>The last errno set by a call above.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>glibc's <c>makedev</c>: the dev_t the kernel reports in <c>struct loop_info64</c> and <c>st_dev</c>.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
