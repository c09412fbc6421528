using System.Globalization;
using System.Text;
using KvmTune.Host.Files;
using KvmTune.Host.Native;

namespace KvmTune.Host.Libvirt;

/// <summary>
/// One writer per domain: an exclusive <c>flock</c> on a file named after the domain's <see cref="DomainKey"/> (URI +
/// UUID) in KvmTune's private lock directory. Held around plan → backup → define → verify; the kernel releases it when
/// the process ends, however it ends. A second KvmTune waits for it, then gives up with a clear line.
/// </summary>
public sealed class DomainLock : IDisposable
{
    private int _fd;

    private DomainLock(DomainKey key, string path, int fd)
    {
        Key = key;
        Path = path;
        _fd = fd;
    }

    /// <summary>The domain.</summary>
    public DomainKey Key { get; }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Where locks live: <c>/run/kvmtune/locks</c> for root (every root session on the host shares it, whatever its
    /// home directory), else the data directory's <c>locks</c>.
    /// </summary>
    public static string DefaultDirectory =>
        LinuxFile.EffectiveUserId == 0 && Directory.Exists("/run")
            ? PrivateDirectory.EnsureUnder("/run", "kvmtune", "locks")
            : DataDirectory.Sub("locks");

    /// <summary>Takes the domain's lock, waiting up to <paramref name="wait"/> for another holder to finish.</summary>
    /// <exception cref="DomainLockedException">Still held by another process after the wait.</exception>
    /// <exception cref="IOException">The lock file cannot be created.</exception>
    public static DomainLock Acquire(DomainKey key, TimeSpan wait, string? directory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        directory ??= DefaultDirectory;
        var path = System.IO.Path.Combine(directory, $"{key.UriComponent}.{key.Uuid}.lock");
        var fd = Libc.Open(path, Libc.ORdWr | Libc.OCreat | Libc.ONoFollow | Libc.OCloexec, (uint)DurableFile.PrivateMode);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open the domain lock: {Libc.LastError}");
        }
        var deadline = DateTime.UtcNow + wait;
        while (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
        {
            var errno = Libc.LastErrno;
            if (errno != Libc.EWouldBlock && errno != Libc.EIntr)
            {
                _ = Libc.Close(fd);
                throw new IOException($"{path}: cannot lock it: {Libc.LastError}");
            }
            if (DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
            {
                var holder = ReadHolder(fd);
                _ = Libc.Close(fd);
                cancellationToken.ThrowIfCancellationRequested();
                throw new DomainLockedException(key, holder, wait);
            }
            Thread.Sleep(100);
        }
        var held = new DomainLock(key, path, fd);
        held.RecordHolder();
        return held;
    }

    /// <summary>Writes "pid start-time" into the file: who holds it, for the message a waiting process gives up with.</summary>
    private unsafe void RecordHolder()
    {
        var text = Encoding.ASCII.GetBytes($"{Processes.ProcessIdentity.Current}\n");
        _ = Libc.Ftruncate(_fd, 0);
        fixed (byte* data = text)
        {
            _ = Libc.Pwrite(_fd, data, text.Length, 0);
        }
    }

    // Read through our own descriptor: .NET's FileStream would take a shared flock of its own and fail on a held file.
    private static unsafe string? ReadHolder(int fd)
    {
        var buffer = stackalloc byte[64];
        var read = Libc.Pread(fd, buffer, 64, 0);
        if (read <= 0)
        {
            return null;
        }
        var text = Encoding.ASCII.GetString(buffer, (int)read).Trim();
        return text.Split(' ')[0] is { Length: > 0 } pid && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? pid : null;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // The file stays: removing it would let a waiter lock a file the next process no longer sees.
            _ = Libc.Flock(fd, Libc.LockUnlock);
            _ = Libc.Close(fd);
        }
    }
}

/// <summary>Another KvmTune process holds the domain's lock (exit 3: try again when it is done).</summary>
public sealed class DomainLockedException(DomainKey key, string? holderPid, TimeSpan waited)
    : IOException($"domain {key.Uuid} ({key.Uri}) is being changed by another kvmtune{(holderPid is null ? "" : $" (pid {holderPid})")}; gave up after waiting {waited.TotalSeconds:0} s")
{
    public DomainKey Key { get; } = key;
}
