using System.Runtime.InteropServices;
using KvmTune.Core;
using KvmTune.Host.Native;

namespace KvmTune.Host.Probing;

/// <summary>
/// Whether a directory's filesystem supports O_DIRECT, the way nova checks instances_path
/// (nova.privsep.utils.supports_direct_io): create a file KvmTune names, open it O_DIRECT, write one 4 KiB aligned
/// block, delete it. EINVAL (at open or write) means unsupported.
/// </summary>
public static class ODirectProbe
{
    /// <summary>True when O_DIRECT works in <paramref name="directory"/>, false on EINVAL; other errors are bad input.</summary>
    public static unsafe bool Supports(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InputException($"{directory}: no such directory");
        }
        var path = Path.Combine(directory, $".kvmtune-directio-{Environment.ProcessId}-{Guid.NewGuid():N}");
        const int size = 4096;
        var buffer = NativeMemory.AlignedAlloc(size, size);
        var fd = -1;
        try
        {
            new Span<byte>(buffer, size).Fill((byte)'x');
            fd = Libc.Open(path, Libc.OWrOnly | Libc.OCreat | Libc.OExcl | Libc.ODirect | Libc.OCloexec, 0x180);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // nova.privsep.utils.supports_direct_io: EINVAL or ENOENT (some FUSE filesystems) = unsupported.
                if (errno is Libc.EInval or Libc.ENoent)
                {
                    return false;
                }
                throw new InputException($"{directory}: cannot create a probe file: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            var written = Libc.Pwrite(fd, buffer, size, 0);
            if (written < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EInval)
                {
                    return false;
                }
                throw new InputException($"{directory}: O_DIRECT probe write failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            return true;
        }
        finally
        {
            if (fd >= 0)
            {
                _ = Libc.Close(fd);
            }
            // O_EXCL and a unique name: whatever is at the path is the probe's own file (a failed O_DIRECT open
            // can leave it created).
            File.Delete(path);
            NativeMemory.AlignedFree(buffer);
        }
    }
}
