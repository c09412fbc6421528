namespace KvmTune.Cli.Tests.Commands;

/// <summary>
/// Every command's <c>--format json</c> follows one convention: snake_case property names, no JSON inside a string.
/// The quick commands run here on recorded inputs (the real tune run kept as a fixture, corpus domains, a nova.conf);
/// bench, tune, probe, apply and inspect are walked by their own tests, which measure or need libvirt.
/// </summary>
public sealed class JsonConventionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Db()
    {
        var db = Path.Combine(_dir.Path, "tune-run.db");
        if (!File.Exists(db))
        {
            File.Copy(Path.Combine(RepoPaths.Root, "tests", "Fixtures", "store", "tune-run.db"), db);
        }
        return db;
    }

    private static string Domain => Path.Combine(RepoPaths.LibvirtCorpus, "disk-cache.xml");

    private string NovaConf => _dir.Write("nova.conf", "[DEFAULT]\ncompute_driver = libvirt.LibvirtDriver\n[libvirt]\nimages_type = qcow2\ndisk_cachemodes = file=writeback\n");

    public static TheoryData<string> Commands =>
    [
        "history", "show", "show --raw", "report", "lint", "explain", "nova explain", "selfbench lint", "selfbench lint --scale",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Json_output_has_snake_case_keys_and_no_json_inside_strings(string command)
    {
        string[] args = command switch
        {
            "history" => ["history", "--db", Db(), "--format", "json"],
            "show" => ["show", "1", "--db", Db(), "--format", "json"],
            "show --raw" => ["show", "1", "--db", Db(), "--format", "json", "--raw"],
            "report" => ["report", "1", "--db", Db(), "--format", "json"],
            "lint" => ["lint", "--format", "json", Domain],
            "explain" => ["explain", "--format", "json", Domain],
            "nova explain" => ["nova", "explain", "--conf", NovaConf, "--format", "json"],
            "selfbench lint" => ["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--count", "20", "--runs", "1", "--no-pin", "--format", "json"],
            _ => ["selfbench", "lint", "--corpus", RepoPaths.LibvirtCorpus, "--scale", "--no-pin", "--format", "json"],
        };

        var run = await CliRun.RunAsync(args);

        Assert.True(run.ExitCode is 0 or 1, $"{command}: exit {run.ExitCode}: {run.Error}");
        JsonKeys.AssertSnakeCase(run.Out, command);
    }

    [Fact]
    public void The_walker_finds_camel_case_names_and_json_hidden_in_a_string()
    {
        Assert.Equal(["$.ratioToHost", "$.rows[0].Winner"], JsonKeys.NotSnakeCase("""{"ratioToHost": 1, "rows": [{"Winner": "x", "randread-4k-qd32": 2, "DEFAULT": 3}]}"""));
        Assert.Equal(["$.detail (JSON inside a string)"], JsonKeys.NotSnakeCase("""{"detail": "{\"a\": 1}", "text": "{not json"}"""));
        Assert.Empty(JsonKeys.NotSnakeCase("""{"ratio_to_host": 1, "by_source": {"file": "raw-prealloc/none/native"}}"""));
    }
}
