using KvmTune.Core;
using KvmTune.Core.Libvirt;

namespace KvmTune.Host.Domains;

/// <summary>
/// Domains from files: each argument is a file, a directory (every <c>*.xml</c> directly in it, sorted by name)
/// or <c>-</c> for standard input. Everything is read and parsed before anything is returned; the first bad input
/// throws <see cref="InputException"/> naming what and where.
/// </summary>
public sealed class FileDomainSource(IReadOnlyList<string> arguments, TextReader standardInput) : IDomainSource
{
    /// <summary>The label of a domain read from standard input.</summary>
    public const string StandardInputLabel = "<stdin>";

    /// <summary>True for an argument naming standard input: <c>-</c> (or its label, which a CLI parser that
    /// takes a lone <c>-</c> for an option may substitute).</summary>
    public static bool IsStandardInput(string argument) => argument is "-" or StandardInputLabel;

    public IReadOnlyList<DomainInput> Read()
    {
        if (arguments.Count == 0)
        {
            throw new InputException("no input: give domain XML files, a directory, or - for standard input");
        }
        if (arguments.Count(IsStandardInput) > 1)
        {
            throw new InputException("standard input (-) can be read only once");
        }
        var inputs = new List<DomainInput>();
        foreach (var argument in arguments)
        {
            if (IsStandardInput(argument))
            {
                inputs.Add(Parse(standardInput.ReadToEnd(), StandardInputLabel, file: null));
            }
            else if (Directory.Exists(argument))
            {
                var files = Directory.GetFiles(argument, "*.xml", SearchOption.TopDirectoryOnly);
                if (files.Length == 0)
                {
                    throw new InputException($"{argument}: directory has no *.xml file");
                }
                Array.Sort(files, StringComparer.Ordinal);
                inputs.AddRange(files.Select(f => Parse(ReadFile(f), f, f)));
            }
            else
            {
                inputs.Add(Parse(ReadFile(argument), argument, argument));
            }
        }
        return inputs;
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new InputException($"{path}: no such file or directory");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException($"{path}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: cannot read: {e.Message}", e);
        }
    }

    private static DomainInput Parse(string text, string label, string? file)
    {
        try
        {
            return new DomainInput(label, DomainDocument.Parse(text, label), file);
        }
        catch (DomainXmlException e)
        {
            // The message already names the input, line and column.
            throw new InputException(e.Message, e);
        }
    }
}
