using KvmTune.Core;
using KvmTune.Core.Input;
using KvmTune.Core.Libvirt;
using KvmTune.Host.Input;

namespace KvmTune.Host.Domains;

/// <summary>
/// Domains from files: each argument is a file, a directory (every <c>*.xml</c> directly in it, sorted by name)
/// or <c>-</c> for standard input. <see cref="Read"/> reads and parses everything before returning; <see cref="Stream"/>
/// one domain at a time. The first bad input throws <see cref="InputException"/> naming what and where.
/// </summary>
public sealed class FileDomainSource(IReadOnlyList<string> arguments, TextReader standardInput) : IDomainSource
{
    /// <summary>The label of a domain read from standard input.</summary>
    public const string StandardInputLabel = "<stdin>";

    /// <summary>True for an argument naming standard input: <c>-</c> (or its label, which a CLI parser that
    /// takes a lone <c>-</c> for an option may substitute).</summary>
    public static bool IsStandardInput(string argument) => argument is "-" or StandardInputLabel;

    public IReadOnlyList<DomainInput> Read() => Stream().ToList();

    /// <summary>
    /// The domains one at a time, each file read and parsed only when reached, so a caller that keeps only its
    /// conclusions (lint) runs in flat memory. Bad input throws when reached; the caller writes nothing before the end.
    /// </summary>
    public IEnumerable<DomainInput> Stream()
    {
        if (arguments.Count == 0)
        {
            throw new InputException("no input: give domain XML files, a directory, or - for standard input");
        }
        if (arguments.Count(IsStandardInput) > 1)
        {
            throw new InputException("standard input (-) can be read only once");
        }
        return StreamArguments();
    }

    private IEnumerable<DomainInput> StreamArguments()
    {
        foreach (var argument in arguments)
        {
            if (IsStandardInput(argument))
            {
                yield return Parse(ReadStandardInput(), StandardInputLabel, file: null);
            }
            else if (Directory.Exists(argument))
            {
                var files = Directory.GetFiles(argument, "*.xml", SearchOption.TopDirectoryOnly);
                if (files.Length == 0)
                {
                    throw new InputException($"{argument}: directory has no *.xml file");
                }
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    yield return Parse(ReadFile(file), file, file);
                }
            }
            else
            {
                yield return Parse(ReadFile(argument), argument, argument);
            }
        }
    }

    // A regular file of at most InputLimits.DomainXmlBytes, strict UTF-8 (a byte-order mark is dropped).
    private static string ReadFile(string path) => InputFiles.ReadText(path, InputLimits.DomainXmlBytes, "domain XML file");

    // Standard input as bytes when it is a stream (the process's stdin: strict UTF-8 with byte offsets), else as text.
    private string ReadStandardInput()
    {
        if (standardInput is StreamReader { BaseStream: { } stream } && stream.CanRead)
        {
            var bytes = InputFiles.ReadBounded(stream, StandardInputLabel, InputLimits.DomainXmlBytes, "domain XML");
            return InputText.DecodeUtf8(bytes, StandardInputLabel);
        }
        return InputFiles.ReadBounded(standardInput, StandardInputLabel, InputLimits.DomainXmlBytes, "domain XML");
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
