using System.Diagnostics;

namespace KvmTune.Host.Tests;

/// <summary>A scratch file attached to a real loop device (losetup), detached and deleted on dispose.</summary>
internal sealed class LoopDevice : IDisposable
{
    private readonly DirectoryInfo _dir;
    private readonly List<string> _mounts = [];

    public LoopDevice(long sizeMiB = 64, byte[]? firstSector = null)
    {
        _dir = Directory.CreateTempSubdirectory("kvmtune-loop-");
        BackingFile = Path.Combine(_dir.FullName, "disk.img");
        using (var f = File.Create(BackingFile))
        {
            f.SetLength(sizeMiB * 1024 * 1024);
            if (firstSector is not null)
            {
                f.Write(firstSector);
            }
        }
        Path_ = Run("losetup", "--find", "--show", BackingFile).Trim();
    }

    public string BackingFile { get; }

    private string Path_ { get; }

    /// <summary>/dev/loopN.</summary>
    public string Device => Path_;

    public void MakeExt4() => Run("mkfs.ext4", "-q", "-F", Device);

    public string Mount()
    {
        var target = Directory.CreateDirectory(System.IO.Path.Combine(_dir.FullName, "mnt")).FullName;
        Run("mount", Device, target);
        _mounts.Add(target);
        return target;
    }

    public static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        }
        return output;
    }

    private bool _swap;

    public void SwapOn()
    {
        Run("mkswap", Device);
        Run("swapon", Device);
        _swap = true;
    }

    public void Dispose()
    {
        if (_swap)
        {
            Run("swapoff", Device);
        }
        foreach (var m in _mounts)
        {
            try
            {
                Run("umount", m);
            }
            catch (InvalidOperationException)
            {
            }
        }
        try
        {
            Run("losetup", "-d", Device);
        }
        catch (InvalidOperationException)
        {
        }
        _dir.Delete(recursive: true);
    }
}
