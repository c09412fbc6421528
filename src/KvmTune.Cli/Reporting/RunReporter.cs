using System.Text.Json;
using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Host;
using KvmTune.Reports.Model;

namespace KvmTune.Cli.Reporting;

/// <summary>A decision over a run with everything derived from it.</summary>
internal sealed record RunReport(RunData Run, Decision Decision, Recommendation Recommendation, ReportModel Model);

/// <summary>Decides over a stored run and writes its report and policy files.</summary>
internal static class RunReporter
{
    /// <summary>Decides over <paramref name="run"/> with the constraints; builds the recommendation and the report model.</summary>
    public static RunReport Decide(RunData run, AdvisorConstraints constraints, int? vmsPerHost)
    {
        var decision = Advisor.Decide(run.Results, RunHostFacts.From(run.HostFacts), constraints);
        var recommendation = Recommendation.From(decision, new RecommendationOptions(run.Info.Id, vmsPerHost, VolumeGroup(run.Info.SettingsJson)));
        return new RunReport(run, decision, recommendation, ReportModel.Build(run, decision, recommendation));
    }

    /// <summary>The default place of a run's report: reports/run-N.EXT in the data directory.</summary>
    public static string DefaultPath(long runId, string extension) =>
        Path.Combine(DataDirectory.Sub("reports"), $"run-{runId}{extension}");

    /// <summary>Writes a file atomically: a temporary file in the same directory, then a rename.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new Core.InputException($"--output {path}: directory {dir} does not exist");
        }
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, content);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    // The run's settings name the volume group when LVM backends were measured (bench/tune --vg).
    private static string? VolumeGroup(string settingsJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(settingsJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("vg", out var vg) && vg.ValueKind == JsonValueKind.String
                ? vg.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
