using Spectre.Console;

namespace KvmTune.Cli;

/// <summary>
/// Where a command writes: <see cref="Console"/> for rendered tables and progress, <see cref="Out"/> for
/// machine-readable output (JSON, SARIF, diffs) written verbatim, <see cref="Error"/> for the one-line errors.
/// Commands take it in their constructor; tests pass a test console and string writers.
/// <see cref="In"/> is standard input (<c>-</c> arguments); tests pass a string reader.
/// </summary>
internal sealed class CliOutput(IAnsiConsole console, TextWriter @out, TextWriter error, TextReader? input = null, IAnsiConsole? status = null)
{
    public IAnsiConsole Console { get; } = console;

    public TextWriter Out { get; } = @out;
    public TextWriter Error { get; } = error;
    public TextReader In { get; } = input ?? TextReader.Null;

    /// <summary>Where progress bars go: stderr for the process (stdout stays clean for JSON); <see cref="Console"/> in tests.</summary>
    public IAnsiConsole Status { get; } = status ?? console;

    /// <summary>The command line as stored with a run (<c>kvmtune tune --quick …</c>).</summary>
    public static string CommandLine => "kvmtune " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));

    /// <summary>Table width when standard output is not a terminal and <c>COLUMNS</c> is not set.</summary>
    public const int RedirectedWidth = 160;

    public static CliOutput Process() => new(
        WithWidth(AnsiConsole.Console),
        System.Console.Out,
        System.Console.Error,
        // Raw bytes behind the reader: inputs read from standard input are checked as strict UTF-8 with byte offsets.
        new StreamReader(System.Console.OpenStandardInput(), new System.Text.UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: false),
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }));

    /// <summary>
    /// A terminal's width is its own; redirected to a file or a pipe, tables take <c>COLUMNS</c> or
    /// <see cref="RedirectedWidth"/> columns instead of 80, so that logs keep one row per line.
    /// </summary>
    private static IAnsiConsole WithWidth(IAnsiConsole console)
    {
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = Width(Environment.GetEnvironmentVariable("COLUMNS"), RedirectedWidth);
        }
        return console;
    }

    /// <summary><c>COLUMNS</c> when it is a sensible width (20 to 1000), else the fallback.</summary>
    public static int Width(string? columns, int fallback) =>
        int.TryParse(columns, out var width) && width is >= 20 and <= 1000 ? width : fallback;
}
