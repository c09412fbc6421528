using System.ComponentModel;
using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace KvmTune.Host.Guest;

/// <summary>Runs the host tools the guest path needs and names the Debian package of a missing one.</summary>
internal static class Tools
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["virsh"] = "libvirt-clients",
        ["fio"] = "fio",
        ["busybox"] = "busybox-static",
        ["apt-get"] = "apt",
        ["apt-cache"] = "apt",
        ["dpkg-deb"] = "dpkg",
        ["ldd"] = "libc-bin",
        ["xz"] = "xz-utils",
        ["zstd"] = "zstd",
    };

    /// <summary>The Debian package that provides <paramref name="tool"/>.</summary>
    public static string PackageOf(string tool) => Packages.GetValueOrDefault(Path.GetFileName(tool), Path.GetFileName(tool));

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? Which(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of a required program; a missing one is a clear failure naming its package.</summary>
    public static string Require(string program) =>
        Which(program) ?? throw new GuestException($"{program} not found: install the Debian package {PackageOf(program)}");

    /// <summary>Runs a tool to completion; a non-zero exit is a <see cref="GuestException"/> with its stderr.</summary>
    public static async Task<BufferedCommandResult> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var command = Cli.Wrap(Require(program)).WithArguments(arguments).WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }
        var result = await command.ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var error = (result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput).Trim();
            throw new GuestException($"{program} {string.Join(' ', command.Arguments)} failed (exit {result.ExitCode}): {LastLine(error)}");
        }
        return result;
    }

    /// <summary>Decompresses a file with <c>xz -dc</c> or <c>zstd -dc</c> and returns its bytes.</summary>
    public static byte[] Decompress(string tool, string file)
    {
        var info = new ProcessStartInfo(Require(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-dc");
        info.ArgumentList.Add(file);
        try
        {
            using var process = Process.Start(info) ?? throw new GuestException($"{tool} did not start");
            using var output = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            return process.ExitCode == 0 ? output.ToArray() : throw new GuestException($"{tool} -dc {file} failed: {stderr.Result.Trim()}");
        }
        catch (Win32Exception e)
        {
            throw new GuestException($"{tool} could not run ({e.Message}): install the Debian package {PackageOf(tool)}", e);
        }
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : lines[^1];
    }
}

/// <summary>The guest path failed: a missing tool, a kernel that cannot be found, a boot that timed out.</summary>
public sealed class GuestException(string message, Exception? inner = null) : Exception(message, inner);
