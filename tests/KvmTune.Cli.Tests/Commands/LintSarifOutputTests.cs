using System.Text.Json;

namespace KvmTune.Cli.Tests.Commands;

/// <summary>
/// The SARIF output checked against the properties SARIF 2.1.0 requires (OASIS sarif-v2.1.0, §3.13 sarifLog,
/// §3.14 run, §3.18 tool, §3.19 toolComponent, §3.27 result, §3.11 message, §3.49 reportingDescriptor,
/// §3.4 artifactLocation, §3.30 region) and the values it constrains.
/// </summary>
public class LintSarifOutputTests
{
    private static readonly string[] Levels = ["none", "note", "warning", "error"];

    [Fact]
    public async Task Sarif_output_has_every_property_sarif_2_1_0_requires()
    {
        // Given the libvirt disk-same-targets case (errors) and disk-cache case (warnings and notes)
        var shared = Path.Combine(RepoPaths.LibvirtCorpus, "disk-same-targets.xml");
        var cache = Path.Combine(RepoPaths.LibvirtCorpus, "disk-cache.xml");

        // When they are linted as SARIF
        var run = await CliRun.RunAsync(["lint", "--format", "sarif", shared, cache]);

        // Then the log is SARIF 2.1.0 with one run by kvmtune
        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var log = json.RootElement;
        Assert.Equal("2.1.0", log.GetProperty("version").GetString());
        Assert.EndsWith("sarif-2.1.0.json", log.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var sarifRun = Assert.Single(log.GetProperty("runs").EnumerateArray());
        var driver = sarifRun.GetProperty("tool").GetProperty("driver");
        Assert.Equal("kvmtune", driver.GetProperty("name").GetString());

        // And every rule has an id, a short description and help
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(17, rules.Count);
        Assert.All(rules, rule =>
        {
            Assert.Matches("^KT[0-9]{3}$", rule.GetProperty("id").GetString());
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("help").GetProperty("text").GetString()));
            Assert.Contains(rule.GetProperty("defaultConfiguration").GetProperty("level").GetString(), Levels);
        });

        // And every result names a known rule (ruleIndex agrees), a valid level, a message and a located disk
        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, result =>
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            var index = result.GetProperty("ruleIndex").GetInt32();
            Assert.Equal(ruleId, rules[index].GetProperty("id").GetString());
            Assert.Contains(result.GetProperty("level").GetString(), Levels);
            Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("message").GetProperty("text").GetString()));
            var location = Assert.Single(result.GetProperty("locations").EnumerateArray());
            var physical = location.GetProperty("physicalLocation");
            var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!;
            Assert.True(Uri.TryCreate(uri, UriKind.RelativeOrAbsolute, out _), uri);
            Assert.True(physical.GetProperty("region").GetProperty("startLine").GetInt32() >= 1);
        });
        Assert.Contains(results, r => r.GetProperty("level").GetString() == "error");
        Assert.Contains(results, r => r.GetProperty("level").GetString() == "warning");
        Assert.Contains(results, r => r.GetProperty("level").GetString() == "note");
    }

    [Fact]
    public async Task Sarif_regions_point_at_the_disk_element()
    {
        using var dir = new TempDir();
        var file = dir.Write("broken.xml", LintCommandTests.BrokenDomain);

        var run = await CliRun.RunAsync(["lint", "--format", "sarif", file]);

        using var json = JsonDocument.Parse(run.Out);
        var result = json.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("ruleId").GetString() == "KT001");
        var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(new Uri(file).AbsoluteUri, physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(4, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal("error", result.GetProperty("level").GetString());
    }
}
