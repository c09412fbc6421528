using System.Text.Json;

namespace KvmTune.Cli.Tests.Commands;

public class SelfBenchLintCommandTests
{
    [Fact]
    public async Task Selfbench_lint_reports_speed_and_memory_for_the_domains_it_built()
    {
        // Given the corpus and a small count (speed itself is measured by running the command, not by a test)
        var run = await CliRun.RunAsync(["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--count", "200", "--runs", "2", "--no-pin", "--format", "json"]);

        // Then it reports every run over 200 domains, with the same findings each time
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(200, root.GetProperty("domains").GetInt32());
        Assert.Equal(91, root.GetProperty("corpus_cases").GetInt32());
        Assert.True(root.GetProperty("median").GetProperty("domains_per_second").GetDouble() > 0);
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs[0].GetProperty("findings").GetInt32(), runs[1].GetProperty("findings").GetInt32());
        Assert.True(runs[0].GetProperty("findings").GetInt32() > 0);
        Assert.True(root.GetProperty("peak_working_set_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Emitted_domains_lint_end_to_end_as_a_directory()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "domains");

        var emit = await CliRun.RunAsync(["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--count", "200", "--emit", target]);
        var lint = await CliRun.RunAsync(["lint", "--format", "json", target]);

        Assert.Equal(0, emit.ExitCode);
        Assert.Equal(200, Directory.GetFiles(target, "*.xml").Length);
        using var json = JsonDocument.Parse(lint.Out);
        Assert.Equal(200, json.RootElement.GetProperty("summary").GetProperty("domains").GetInt32());
    }

    [Fact]
    public async Task Many_findings_are_shown_one_line_each_instead_of_tables()
    {
        // Given 200 emitted domains (several findings each: more than a table view holds)
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "domains");
        await CliRun.RunAsync(["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--count", "200", "--emit", target]);

        // When they are linted with the default format
        var run = await CliRun.RunAsync(["lint", target]);

        // Then each finding is one compiler-style line, followed by the summary
        var lines = run.Console.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 500, lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(@"^.+domain-00000\.xml:\d+: (error|warning|info) KT\d{3} \w+: ", lines[0]);
        Assert.EndsWith("in 200 domains.", lines[^1].TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("╭", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emit_refuses_an_existing_directory()
    {
        using var dir = new TempDir();
        var run = await CliRun.RunAsync(["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--emit", dir.Path]);
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Selfbench_is_hidden_from_help()
    {
        var run = await CliRun.RunAsync(["--help"]);
        Assert.DoesNotContain("selfbench", run.Console + run.Out, StringComparison.Ordinal);
        Assert.Contains("lint", run.Console + run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_corpus_is_bad_input()
    {
        var run = await CliRun.RunAsync(["selfbench", "lint", "--corpus", "/nonexistent/kvmtune-corpus"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("kvmtune: /nonexistent/kvmtune-corpus: no such directory" + Environment.NewLine, run.Error);
    }
}
