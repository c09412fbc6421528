using KvmTune.Host.Libvirt;

namespace KvmTune.Host.Tests.Libvirt;

public sealed class DomainLockTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-locks-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static DomainKey Key(string uri = "qemu:///system") => DomainKey.Create(uri, Guid.NewGuid().ToString());

    [Fact]
    public void A_second_holder_waits_and_then_gives_up_naming_the_first()
    {
        // Given a domain's lock held
        var key = Key();
        using var first = DomainLock.Acquire(key, TimeSpan.Zero, _dir.FullName);

        // When another writer asks for it, Then it gives up after its wait, naming the holder's pid
        var e = Assert.Throws<DomainLockedException>(() => DomainLock.Acquire(key, TimeSpan.FromMilliseconds(300), _dir.FullName));
        Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        Assert.Contains(key.Uuid, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_waiting_writer_gets_the_lock_once_it_is_released()
    {
        var key = Key();
        var first = DomainLock.Acquire(key, TimeSpan.Zero, _dir.FullName);
        var waiting = Task.Run(() => DomainLock.Acquire(key, TimeSpan.FromSeconds(30), _dir.FullName));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        first.Dispose();

        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(key, second.Key);
    }

    [Fact]
    public void The_same_uuid_under_another_uri_is_another_lock()
    {
        var uuid = Guid.NewGuid().ToString();
        using var system = DomainLock.Acquire(DomainKey.Create("qemu:///system", uuid), TimeSpan.Zero, _dir.FullName);
        using var session = DomainLock.Acquire(DomainKey.Create("qemu:///session", uuid), TimeSpan.Zero, _dir.FullName);

        Assert.NotEqual(system.Path, session.Path);
    }

    [Fact]
    public async Task A_lock_held_by_another_process_is_respected()
    {
        // Given util-linux flock(1) holding the lock file in another process
        var key = Key();
        var path = Path.Combine(_dir.FullName, $"{key.UriComponent}.{key.Uuid}.lock");
        File.WriteAllText(path, "");
        var holder = Task.Run(() => TestProcess.Run("flock", path, "sleep", "2"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!IsHeld(key) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(20);
        }

        Assert.True(IsHeld(key), "flock(1) never took the lock");

        // When KvmTune asks for it, Then it waits for the other process to finish
        var waited = System.Diagnostics.Stopwatch.StartNew();
        using var held = DomainLock.Acquire(key, TimeSpan.FromSeconds(30), _dir.FullName);
        Assert.True(waited.Elapsed > TimeSpan.FromSeconds(0.5), $"got the lock after {waited.Elapsed} while flock(1) held it");
        Assert.True((await holder.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded);
    }

    private bool IsHeld(DomainKey key)
    {
        try
        {
            using var probe = DomainLock.Acquire(key, TimeSpan.Zero, _dir.FullName);
            return false;
        }
        catch (DomainLockedException)
        {
            return true;
        }
    }
}
