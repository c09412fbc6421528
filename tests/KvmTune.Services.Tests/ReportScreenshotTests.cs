using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KvmTune.Core.Decisions;
using KvmTune.Reports.Exporters;
using KvmTune.Services.Deciding;
using SkiaSharp;

namespace KvmTune.Services.Tests;

/// <summary>
/// The HTML report of a real default run (the recorded quick-matrix <c>tune</c> run in tests/Fixtures/store) rendered by
/// headless Chromium at 1400 px, as an operator's browser would show it.
/// </summary>
public sealed partial class ReportScreenshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-report-shot-").FullName;

    public void Dispose()
    {
        // KVMTUNE_REPORT_ARTIFACTS=DIR keeps the report and its screenshot for a human to look at.
        if (Environment.GetEnvironmentVariable("KVMTUNE_REPORT_ARTIFACTS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            foreach (var f in Directory.GetFiles(_dir).Where(f => !f.EndsWith(".db", StringComparison.Ordinal)))
            {
                File.Copy(f, Path.Combine(keep, Path.GetFileName(f)), overwrite: true);
            }
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_report_of_a_default_run_is_under_6000_px_with_the_decision_at_the_top()
    {
        // Given the report of the recorded default run
        var db = Path.Combine(_dir, "kvmtune.db");
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "Fixtures", "store", "tune-run.db"), db);
        var report = RunDecider.Decide(db, 1, AdvisorConstraints.Default, vmsPerHost: null);
        var file = Path.Combine(_dir, "report.html");
        File.WriteAllText(file, new HtmlReportExporter().Export(report.Model));

        // When Chromium lays it out at 1400 px and reports the page's height and where the decision block starts
        var dom = Chromium($"--virtual-time-budget=5000 --window-size=1400,1000 --dump-dom file://{file}");
        var height = Attribute(dom, "data-page-height");
        var decisionTop = Attribute(dom, "data-decision-top");

        // Then the whole report is under 6000 px, both profiles' charts are there, and the decision is at the top
        Assert.InRange(height, 1000, 6000);
        Assert.Equal(2, Attribute(dom, "data-charts-loaded"));
        Assert.InRange(decisionTop, 0, 200);

        // And a screenshot of the whole page shows the winner's highlight in its first 400 px and the winner's bars below
        var screenshot = Path.Combine(_dir, "report.png");
        Chromium($"--virtual-time-budget=5000 --hide-scrollbars --screenshot={screenshot} --window-size=1400,{height} file://{file}");
        using var shot = SKBitmap.Decode(screenshot);
        Assert.NotNull(shot);
        Assert.Equal((1400, height), (shot.Width, shot.Height));
        var highlight = new SKColor(0xe8, 0xf5, 0xe9);
        Assert.True(Count(shot, highlight, 0, 400) > 500, "the winner's highlight is not in the first 400 px");
        var bar = new SKColor(0x2e, 0x7d, 0x32);
        Assert.True(Count(shot, bar, 400, height) > 1000, "no winner bar drawn below the decision");
    }

    private static int Count(SKBitmap bitmap, SKColor colour, int fromY, int toY)
    {
        var n = 0;
        for (var y = fromY; y < Math.Min(toY, bitmap.Height); y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (bitmap.GetPixel(x, y) == colour)
                {
                    n++;
                }
            }
        }
        return n;
    }

    private static int Attribute(string dom, string name)
    {
        var m = Regex.Match(dom, $"{name}=\"(\\d+)\"");
        Assert.True(m.Success, $"{name} missing: the page's script did not run");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Chromium(string arguments)
    {
        var profile = Directory.CreateTempSubdirectory("kvmtune-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo("/usr/bin/chromium",
                "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " +
                $"--disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir={profile} {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 120 s");
            }
            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
