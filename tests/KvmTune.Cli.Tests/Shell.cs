using System.Diagnostics;

namespace KvmTune.Cli.Tests;

internal static class Shell
{
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
}

/// <summary>A scratch file attached to a real loop device, detached and deleted on dispose.</summary>
internal sealed class LoopDevice : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-loop-");

    public LoopDevice()
    {
        var file = Path.Combine(_dir.FullName, "disk.img");
        using (var f = File.Create(file))
        {
            f.SetLength(64L * 1024 * 1024);
        }
        Device = Shell.Run("losetup", "--find", "--show", file).Trim();
    }

    public string Device { get; }

    public void Dispose()
    {
        try
        {
            Shell.Run("losetup", "-d", Device);
        }
        catch (InvalidOperationException)
        {
        }
        _dir.Delete(recursive: true);
    }
}
