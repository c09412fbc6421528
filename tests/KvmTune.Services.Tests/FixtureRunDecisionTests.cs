using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Core.Decisions;
using KvmTune.Reports.Exporters;
using KvmTune.Services.Deciding;
using KvmTune.Storage;

namespace KvmTune.Services.Tests;

/// <summary>
/// A real <c>tune</c> run's database (tests/Fixtures/store) decided again: the winners, ties, tie-breaks, rationale
/// and nova.conf lines must be the recorded decision (tune-run.decision.json; see the README beside it).
/// </summary>
public sealed class FixtureRunDecisionTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "store");
    private readonly string _copy;

    public FixtureRunDecisionTests()
    {
        _copy = Path.Combine(Directory.CreateTempSubdirectory("kvmtune-fixture-").FullName, "kvmtune.db");
        File.Copy(Path.Combine(Fixtures, "tune-run.db"), _copy);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_copy)!, recursive: true);

    [Fact]
    public void Deciding_the_recorded_run_again_gives_the_recorded_decision()
    {
        // Given the recorded run and what was decided from it
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "tune-run.decision.json")))!;

        // When it is decided again with the default constraints, as tune and report do
        var report = RunDecider.Decide(_copy, 1, AdvisorConstraints.Default, vmsPerHost: null);
        var actual = JsonNode.Parse(new JsonReportExporter().Export(report.Model))!;

        // Then the profiles' winners, ties and tie-breaks, the overall decision and what to apply are unchanged
        var profiles = new JsonArray([.. actual["profiles"]!.AsArray().Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p!["name"]!.DeepClone(),
            ["winner"] = p["winner"]?.DeepClone(),
            ["tie"] = p["tie"]!.DeepClone(),
            ["tie_break"] = p["tie_break"]?.DeepClone(),
        })]);
        Assert.Equal(Text(expected["profiles"]), Text(profiles));
        // (what was added to the decision section since it was recorded: the margins, image options, ceilings exceeded,
        // the standing recommendation — none: the fixture store holds no earlier run)
        var decision = actual["decision"]!.AsObject();
        Assert.Null(decision["standing"]);
        foreach (var added in new[] { "margins", "image_options", "above_ceiling", "standing" })
        {
            decision.Remove(added);
        }
        Assert.Equal(Text(expected["decision"]), Text(decision));
        Assert.Equal(Text(expected["apply"]), Text(actual["apply"]));
        Assert.Equal("raw-prealloc/none/io_uring", report.Decision.Winner!.Id);
    }

    [Fact]
    public void The_recorded_run_names_its_QEMU_version_to_the_advisor()
    {
        using var store = new SqliteRunStore(_copy);
        var facts = RunHostFacts.From(store.LoadRun(1)!.HostFacts);

        Assert.Equal(new Version(7, 2, 22), facts.QemuVersion);
    }

    private static string Text(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";
}
