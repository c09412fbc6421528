using Spectre.Console;

namespace KvmTune.Cli;

/// <summary>
/// Where a command writes: <see cref="Console"/> for rendered tables and progress, <see cref="Out"/> for
/// machine-readable output (JSON, SARIF, diffs) written verbatim, <see cref="Error"/> for the one-line errors.
/// Commands take it in their constructor; tests pass a test console and string writers.
/// <see cref="In"/> is standard input (<c>-</c> arguments); tests pass a string reader.
/// </summary>
internal sealed class CliOutput(IAnsiConsole console, TextWriter @out, TextWriter error, TextReader? input = null)
{
    public IAnsiConsole Console { get; } = console;
    public TextWriter Out { get; } = @out;
    public TextWriter Error { get; } = error;
    public TextReader In { get; } = input ?? TextReader.Null;

    public static CliOutput Process() => new(AnsiConsole.Console, System.Console.Out, System.Console.Error, System.Console.In);
}
