using KvmTune.Host.Native;

namespace KvmTune.Host.Diagnostics;

/// <summary>
/// CPU time consumed by the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in nanoseconds. Unlike a
/// wall clock it does not count time the thread waits for a core, so a speed measured with it holds on a busy host.
/// </summary>
public static class ThreadCpuClock
{
    public static long NowNanoseconds()
    {
        if (Libc.ClockGettime(Libc.ClockThreadCpuTimeId, out var ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Libc.LastErrno}");
        }
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }
}
