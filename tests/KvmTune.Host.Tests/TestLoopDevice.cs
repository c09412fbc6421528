namespace KvmTune.Host.Tests;

/// <summary>A real loop device over a temporary file, detached and deleted on dispose.</summary>
internal sealed class TestLoopDevice : IDisposable
{
    private TestLoopDevice(string file, string device)
    {
        File = file;
        Device = device;
    }

    public string File { get; }

    public string Device { get; }

    /// <summary>Creates a file of <paramref name="megabytes"/>, lets <paramref name="prepare"/> format it, and attaches it.</summary>
    public static TestLoopDevice Create(int megabytes = 64, Action<string>? prepare = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kvmtune-test-{Guid.NewGuid():N}.img");
        using (var stream = new FileStream(file, FileMode.CreateNew))
        {
            stream.SetLength((long)megabytes << 20);
        }
        prepare?.Invoke(file);
        var attach = TestProcess.Run("losetup", ["--find", "--show", file]);
        if (!attach.Succeeded)
        {
            System.IO.File.Delete(file);
            throw new InvalidOperationException($"losetup: {attach.Message}");
        }
        return new TestLoopDevice(file, attach.StandardOutput.Trim());
    }

    public static void Run(string tool, params string[] arguments)
    {
        var result = TestProcess.Run(tool, arguments);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)}: {result.Message}");
        }
    }

    public void Dispose()
    {
        TestProcess.Run("losetup", ["--detach", Device]);
        System.IO.File.Delete(File);
    }
}

/// <summary>A temporary directory removed with its content.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("kvmtune-test-").FullName;
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
