using KvmTune.Core;
using KvmTune.Core.Libvirt;

namespace KvmTune.Cli.Sources;

/// <summary>A domain read from somewhere: a file path, or (later) a libvirt connection and domain name.</summary>
/// <param name="Origin">Where it came from, as shown to the user (a path, <c>qemu:///system/NAME</c>).</param>
/// <param name="Document">The parsed domain.</param>
internal sealed record LoadedDomain(string Origin, DomainDocument Document);

/// <summary>
/// Where commands get domain definitions from. Every source loads and validates everything before a command
/// writes anything, so bad input leaves no partial output.
/// </summary>
internal interface IDomainSource
{
    /// <summary>Loads every domain; throws <see cref="InputException"/> on the first bad one.</summary>
    IReadOnlyList<LoadedDomain> Load();
}

/// <summary>Domain XML files named on the command line.</summary>
internal sealed class FileDomainSource(IReadOnlyList<string> paths) : IDomainSource
{
    public IReadOnlyList<LoadedDomain> Load()
    {
        var domains = new List<LoadedDomain>(paths.Count);
        foreach (var path in paths)
        {
            domains.Add(new LoadedDomain(path, DomainDocument.Parse(Read(path), path)));
        }
        return domains;
    }

    private static string Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InputException($"{path}: is a directory, expected a domain XML file");
        }
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: no such file");
        }
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}", e);
        }
    }
}
