using KvmTune.Core.Decisions;
using KvmTune.Host.Measurement;
using KvmTune.Reports.Exporters;
using KvmTune.Services.Deciding;

namespace KvmTune.Services.Measuring;

/// <summary>What <c>tune</c> does: measure, decide within the constraints, write the HTML report and the policy file.</summary>
/// <param name="Measurement">What to measure (its constraints are set from <paramref name="Constraints"/>).</param>
/// <param name="Constraints">The advisor's constraints.</param>
/// <param name="VmsPerHost">Flavor QoS sharing, or null.</param>
/// <param name="ReportPath">Where to write the HTML report, or null for reports/run-N.html.</param>
/// <param name="PolicyPath">Where to write the policy, or null for reports/run-N.policy.json.</param>
public sealed record TuneRequest(MeasurementRequest Measurement, AdvisorConstraints Constraints, int? VmsPerHost, string? ReportPath, string? PolicyPath);

/// <summary>The stored run, its decision and the files written.</summary>
public sealed record TuneResult(long RunId, RunReport Report, string ReportPath, string PolicyPath);

/// <summary>The main job: probe → plan → measure → store → decide → report.</summary>
public static class TuneService
{
    public static async Task<TuneResult> RunAsync(TuneRequest request, IProgress<BenchProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ReportFiles.CheckWritable(request.ReportPath, "--output");
        ReportFiles.CheckWritable(request.PolicyPath, "--policy");
        var measured = await MeasurementSession.RunAsync(request.Measurement with { Constraints = request.Constraints }, progress, cancellationToken).ConfigureAwait(false);

        // Decide and report from what the store holds, so that `kvmtune report N` gives the same report later.
        var report = RunDecider.Decide(request.Measurement.Db, measured.RunId, request.Constraints, request.VmsPerHost);
        var reportPath = ReportFiles.Write(request.ReportPath ?? ReportFiles.DefaultPath(measured.RunId, ".html"), new HtmlReportExporter().Export(report.Model), "--output");
        var policyPath = ReportFiles.Write(request.PolicyPath ?? ReportFiles.DefaultPath(measured.RunId, ".policy.json"), report.Recommendation.Policy.ToJson() + "\n", "--policy");
        return new TuneResult(measured.RunId, report, reportPath, policyPath);
    }
}
