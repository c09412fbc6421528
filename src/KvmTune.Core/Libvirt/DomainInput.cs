namespace KvmTune.Core.Libvirt;

/// <summary>One domain to lint or explain, with where it came from.</summary>
/// <param name="Label">What to call the input in output: a path, <c>&lt;stdin&gt;</c>, or <c>qemu:///system/NAME</c>.</param>
/// <param name="Document">The parsed domain.</param>
/// <param name="File">The file it was read from (as given), or null when it did not come from a file.</param>
public sealed record DomainInput(string Label, DomainDocument Document, string? File = null);

/// <summary>
/// A source of domains for lint/explain: files and stdin, or a libvirt connection. <see cref="Read"/> reads and parses
/// everything before returning, so bad input is reported (as <see cref="InputException"/>) before any output is written.
/// </summary>
public interface IDomainSource
{
    IReadOnlyList<DomainInput> Read();

    /// <summary>
    /// The domains one at a time, for callers that keep only conclusions (lint) and so run in flat memory.
    /// Bad input throws when it is reached: callers still write nothing until the enumeration has finished.
    /// </summary>
    IEnumerable<DomainInput> Stream() => Read();
}
