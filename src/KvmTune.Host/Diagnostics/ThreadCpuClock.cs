using System.Runtime.InteropServices;

namespace KvmTune.Host.Diagnostics;

/// <summary>
/// CPU time consumed by the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in nanoseconds. Unlike a
/// wall clock it does not count time the thread waits for a core, so a speed measured with it holds on a busy host.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static long NowNanoseconds()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clockId, out Timespec time);
}
