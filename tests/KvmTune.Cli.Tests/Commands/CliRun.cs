using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Commands;

/// <summary>One run of the CLI in process, with its exit code and what it wrote where.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error, string Console)
{
    public static async Task<CliRun> RunAsync(string[] args, string? stdin = null)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        using var @out = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, @out, error, input));
        return new CliRun(code, @out.ToString(), error.ToString(), console.Output);
    }
}

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kvmtune-test-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
