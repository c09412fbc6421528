using KvmTune.Core.Fleet;
using KvmTune.Services.Fleet;
using Spectre.Console;

namespace KvmTune.Cli.Commands;

/// <summary>How commands over libvirt hosts show each host and end: a heading per host, a failed host's reason (also
/// on stderr, one line each), a closing line when there are several hosts, and exit 3 when any host failed.</summary>
internal static class HostSections
{
    public static void Heading(IAnsiConsole console, HostTarget host) =>
        console.Write(new Rule(host.Name == host.Uri
            ? $"[bold]host {Markup.Escape(host.Name)}[/]"
            : $"[bold]host {Markup.Escape(host.Name)}[/] [grey]{Markup.Escape(host.Uri)}[/]").LeftJustified());

    public static void Failure(IAnsiConsole console, string error) =>
        console.MarkupLineInterpolated($"[red]failed: {error}[/]");

    /// <summary>One line per failed host on stderr, and the closing line on the console for several hosts.</summary>
    public static void Close<T>(CliOutput output, IReadOnlyList<HostOutcome<T>> hosts, bool table)
        where T : class
    {
        foreach (var failed in hosts.Where(h => h.Failed))
        {
            // The reason starts with the URI already.
            output.Error.WriteLine(failed.Host.Name == failed.Host.Uri ? $"kvmtune: {failed.Error}" : $"kvmtune: host {failed.Host.Name}: {failed.Error}");
        }
        if (table && hosts.Count > 1)
        {
            var failedCount = hosts.Count(h => h.Failed);
            output.Console.MarkupLine($"{hosts.Count} hosts: {hosts.Count - failedCount} read, "
                + (failedCount == 0 ? "none failed." : $"[red]{failedCount} failed[/] ({Markup.Escape(string.Join(", ", hosts.Where(h => h.Failed).Select(h => h.Host.Name)))})."));
        }
    }

    /// <summary>3 when any host failed, else the command's own code.</summary>
    public static int ExitCode<T>(IReadOnlyList<HostOutcome<T>> hosts, int otherwise)
        where T : class =>
        hosts.Any(h => h.Failed) ? ExitCodes.Failure : otherwise;
}
