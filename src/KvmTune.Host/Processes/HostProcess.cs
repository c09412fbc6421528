using System.ComponentModel;
using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace KvmTune.Host.Processes;

/// <summary>The outcome of a finished tool.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The tool's own words for a failure: its last stderr line, else its stdout.</summary>
    public string Message
    {
        get
        {
            var text = string.IsNullOrWhiteSpace(StandardError) ? StandardOutput : StandardError;
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? $"exit code {ExitCode}" : lines[^1];
        }
    }
}

/// <summary>Where and with which extra environment variables a tool runs.</summary>
/// <param name="WorkingDirectory">The working directory, or null for KvmTune's own.</param>
/// <param name="Environment">Variables set (or replaced) for the tool; <c>LC_ALL=C</c> is always set.</param>
public sealed record ToolRunOptions(string? WorkingDirectory, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>KvmTune's working directory and environment.</summary>
    public static ToolRunOptions Default { get; } = new(null, new Dictionary<string, string?>());
}

/// <summary>Starts host tools (qemu-img, losetup, blkid, lvcreate …) and collects their output.</summary>
public static class HostProcess
{
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The full path of a tool on PATH (or in the sbin directories a non-login root shell may lack), or null.</summary>
    public static string? Which(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(dir => System.IO.Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a tool to the end. A tool that is not installed gives exit code 127.</summary>
    public static Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(tool, arguments, ToolRunOptions.Default, cancellationToken);

    /// <summary>Runs a tool to the end in a working directory and with extra environment variables.</summary>
    public static async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, ToolRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Which(tool);
        if (path is null)
        {
            return new ToolResult(127, "", $"{tool}: not found");
        }
        try
        {
            var command = Cli.Wrap(path)
                .WithArguments(arguments)
                .WithValidation(CommandResultValidation.None)
                .WithEnvironmentVariables(env =>
                {
                    env.Set("LC_ALL", "C");
                    foreach (var (name, value) in options.Environment)
                    {
                        env.Set(name, value);
                    }
                });
            if (options.WorkingDirectory is { } directory)
            {
                command = command.WithWorkingDirectory(directory);
            }
            var result = await command.ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            return new ToolResult(result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (Win32Exception e)
        {
            return new ToolResult(127, "", $"{tool}: {e.Message}");
        }
    }

    /// <summary>
    /// Runs a tool synchronously: for clean-up paths (Dispose, signal handlers) that cannot await.
    /// </summary>
    public static ToolResult Run(string tool, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var path = Which(tool);
        if (path is null)
        {
            return new ToolResult(127, "", $"{tool}: not found");
        }
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LC_ALL"] = "C";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return new ToolResult(124, stdout.Result, $"{tool}: timed out");
            }
            process.WaitForExit();
            return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
        }
        catch (Win32Exception e)
        {
            return new ToolResult(127, "", $"{tool}: {e.Message}");
        }
    }
}
