using System.Diagnostics;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Tests;

/// <summary>
/// Runs a helper program of a test (losetup, qemu-io, mkfs …) and collects its output. The product runs programs only
/// through <see cref="ToolRunner"/>; tests set up and inspect the host with whatever tool they need.
/// </summary>
internal static class TestProcess
{
    public static ToolResult Run(string file, params string[] arguments) => Run(file, (IReadOnlyList<string>)arguments);

    public static ToolResult Run(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Task<ToolResult> RunAsync(string file, IReadOnlyList<string> arguments) => Task.Run(() => Run(file, arguments));

    /// <summary>Runs it and fails the test on a non-zero exit; returns stdout.</summary>
    public static string Check(string file, params string[] arguments)
    {
        var result = Run(file, arguments);
        return result.Succeeded ? result.StandardOutput : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: exit {result.ExitCode}: {result.StandardError}");
    }
}
