using System.Text;

namespace KvmTune.Host.Processes;

/// <summary>
/// One run of a listed program, as an immutable value with <c>With*</c> copies (CliWrap's <c>Command</c> shape): the
/// program (resolved through a <see cref="ToolRegistry"/> when it runs), arguments, environment (<c>LC_ALL=C</c> unless
/// changed), working directory, timeout, a cgroup to start in, and where stdout goes. <see cref="ToolRunner"/> runs it.
/// </summary>
public sealed record ToolCommand
{
    private ToolCommand(string program) => Program = program;

    /// <summary>A command for a listed program, with no arguments and <c>LC_ALL=C</c>.</summary>
    /// <exception cref="ArgumentException">The program is not on <see cref="ToolRegistry"/>'s list.</exception>
    public static ToolCommand For(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _ = ToolRegistry.PackageOf(program);
        return new ToolCommand(program);
    }

    /// <summary>The program's name on the list (<c>qemu-img</c>).</summary>
    public string Program { get; }

    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>Variables set (a null value removes one) on top of KvmTune's own environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; private init; } = new Dictionary<string, string?>(StringComparer.Ordinal) { ["LC_ALL"] = "C" };

    public string? WorkingDirectory { get; private init; }

    /// <summary>How long the program may run; then it and its child processes are killed and the result says so.</summary>
    public TimeSpan? Timeout { get; private init; }

    /// <summary>A cgroup directory (v1 or v2) the process joins before it execs the program, so all it does is charged there.</summary>
    public string? Cgroup { get; private init; }

    /// <summary>Where stdout goes instead of the result's text (binary output: <c>xz -dc</c>).</summary>
    public Stream? StandardOutputTarget { get; private init; }

    /// <summary>Where the program is looked up.</summary>
    public ToolRegistry Registry { get; private init; } = ToolRegistry.Default;

    public ToolCommand WithArguments(IEnumerable<string> arguments) => this with { Arguments = [.. arguments] };

    public ToolCommand WithEnvironment(string name, string? value)
    {
        var environment = new Dictionary<string, string?>(Environment, StringComparer.Ordinal) { [name] = value };
        return this with { Environment = environment };
    }

    public ToolCommand WithWorkingDirectory(string? directory) => this with { WorkingDirectory = directory };

    public ToolCommand WithTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "a timeout must be positive");
        }
        return this with { Timeout = timeout };
    }

    public ToolCommand WithCgroup(string? cgroupDirectory) => this with { Cgroup = cgroupDirectory };

    public ToolCommand WithStandardOutputTo(Stream? target) => this with { StandardOutputTarget = target };

    public ToolCommand WithRegistry(ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return this with { Registry = registry };
    }

    /// <summary>The command line as a shell would show it (for messages).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Program);
        foreach (var argument in Arguments)
        {
            text.Append(' ');
            text.Append(argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
                ? argument
                : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'");
        }
        return text.ToString();
    }
}
