using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using KvmTune.Host.Native;

namespace KvmTune.Host.Processes;

/// <summary>The outcome of a finished (or killed) tool.</summary>
/// <param name="ExitCode">The exit code; 128 + signal when a signal ended it.</param>
/// <param name="StandardOutput">stdout as text (empty when it went to a stream target).</param>
/// <param name="StandardError">stderr as text.</param>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The command's timeout ran out: the process and its children were killed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Wall-clock time from start to exit.</summary>
    public TimeSpan RunTime { get; init; }

    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The tool's own words for a failure: its last stderr line, else its last stdout line.</summary>
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

/// <summary>
/// Runs a <see cref="ToolCommand"/> through CliWrap: the only place KvmTune starts a process. A timeout or a
/// cancellation kills the process and every process it started (found through <c>/proc</c>); a timeout is reported in
/// the result, a cancellation throws <see cref="OperationCanceledException"/>.
/// </summary>
public static class ToolRunner
{
    private const int SigKill = 9;

    // sh's pid is the tool's pid: it joins the cgroup, then execs the tool in its own place.
    private const string CgroupTrampoline = "echo $$ > \"$1\" && shift && exec \"$@\"";

    /// <summary>Runs <paramref name="command"/> to its end (or its timeout).</summary>
    /// <exception cref="MissingToolException">The program is not installed.</exception>
    public static async Task<ToolResult> RunAsync(ToolCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        var program = command.Registry.Require(command.Program);
        var cli = command.Cgroup is { } cgroup
            ? Cli.Wrap(command.Registry.Require("sh"))
                .WithArguments(["-c", CgroupTrampoline, "sh", Path.Combine(cgroup, "cgroup.procs"), program, .. command.Arguments])
            : Cli.Wrap(program).WithArguments(command.Arguments);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        cli = cli
            .WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(variables =>
            {
                foreach (var (name, value) in command.Environment)
                {
                    variables.Set(name, value);
                }
            })
            .WithStandardOutputPipe(command.StandardOutputTarget is { } target ? PipeTarget.ToStream(target) : PipeTarget.ToStringBuilder(stdout, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8));
        if (command.WorkingDirectory is { } directory)
        {
            cli = cli.WithWorkingDirectory(directory);
        }

        var clock = Stopwatch.StartNew();
        CommandTask<CommandResult> running;
        try
        {
            // Not CliWrap's cancellation: it ends only the main process. Timeout and cancellation end the tree below.
            running = cli.ExecuteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            // CliWrap wraps the Win32Exception of a failed start (not executable, bad interpreter, no working directory).
            var reason = (e.InnerException as Win32Exception)?.Message ?? e.Message;
            return new ToolResult(126, "", $"{command.Program}: cannot start {program}: {reason}") { RunTime = clock.Elapsed };
        }
        var pid = running.ProcessId;
        var timedOut = 0;
        using var timer = command.Timeout is { } timeout
            ? new Timer(_ =>
            {
                Interlocked.Exchange(ref timedOut, 1);
                KillTree(pid, running.Task);
            }, null, timeout, System.Threading.Timeout.InfiniteTimeSpan)
            : null;
        using var cancellation = cancellationToken.Register(() => KillTree(pid, running.Task));
        var result = await running.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref timedOut) != 0)
        {
            var limit = command.Timeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            stderr.Append(CultureInfo.InvariantCulture, $"\n{command.Program}: timed out after {limit} s: killed with its child processes\n");
            return new ToolResult(result.ExitCode, stdout.ToString(), stderr.ToString()) { TimedOut = true, RunTime = clock.Elapsed };
        }
        return new ToolResult(result.ExitCode, stdout.ToString(), stderr.ToString()) { RunTime = clock.Elapsed };
    }

    /// <summary>
    /// Runs <paramref name="command"/> synchronously, still through CliWrap: for clean-up paths (Dispose, signal
    /// handlers) that cannot await.
    /// </summary>
    public static ToolResult Run(ToolCommand command) =>
        Task.Run(() => RunAsync(command, CancellationToken.None)).GetAwaiter().GetResult();

    /// <summary>SIGKILL to a process and all its descendants (children first found, then killed top-down).</summary>
    private static void KillTree(int pid, Task running)
    {
        if (running.IsCompleted)
        {
            return;
        }
        // Stop the root first so it starts nothing new, then its descendants; the list is taken before the root
        // dies (afterwards its children are re-parented and cannot be told from anyone else's).
        var tree = Descendants(pid);
        _ = Libc.Kill(pid, SigKill);
        foreach (var child in tree)
        {
            _ = Libc.Kill(child, SigKill);
        }
    }

    /// <summary>Every process below <paramref name="pid"/> (from the parent pid in /proc/PID/stat).</summary>
    private static List<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // Field 2 (comm) may hold spaces and ')': the fields after the last ')' are state, ppid, …
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest.Length > 1 && int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                if (!parents.TryGetValue(parent, out var children))
                {
                    parents[parent] = children = [];
                }
                children.Add(child);
            }
        }
        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            foreach (var child in parents.GetValueOrDefault(queue.Dequeue()) ?? [])
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }
        return result;
    }
}
