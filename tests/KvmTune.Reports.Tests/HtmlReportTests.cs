using System.Diagnostics;
using System.Text.RegularExpressions;
using KvmTune.Reports.Exporters;
using SkiaSharp;

namespace KvmTune.Reports.Tests;

public sealed partial class HtmlReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-html-").FullName;

    public void Dispose()
    {
        // KVMTUNE_REPORT_ARTIFACTS=DIR keeps the report and its screenshot for a human to look at.
        if (Environment.GetEnvironmentVariable("KVMTUNE_REPORT_ARTIFACTS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            foreach (var f in Directory.GetFiles(_dir))
            {
                File.Copy(f, Path.Combine(keep, Path.GetFileName(f)), overwrite: true);
            }
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_html_report_is_self_contained_with_every_chart_embedded_as_a_png()
    {
        // Given the report of a fixed run
        var html = new HtmlReportExporter().Export(SyntheticRun.Model());

        // Then it loads nothing from outside and carries 7 charts: IOPS, MB/s and latency for both profiles,
        // and the burst-vs-sustained series of the cached mode in random writes
        Assert.DoesNotMatch(ExternalResource(), html);
        var charts = ChartImage().Matches(html);
        Assert.Equal(7, charts.Count);
        Assert.Equal(["iops", "mbps", "latency", "iops", "mbps", "latency", "series"], charts.Select(m => m.Groups["kind"].Value));
        foreach (Match m in charts)
        {
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String(m.Groups["data"].Value));
            Assert.NotNull(bitmap);
            Assert.Equal(960, bitmap.Width);
        }
        Assert.Contains("Winner: <code>raw-prealloc/none/native</code>", html);
        Assert.Contains("disk_cachemodes = file=none", html);
        Assert.Contains("&lt;driver name=&#39;qemu&#39; type=&#39;raw&#39; cache=&#39;none&#39; io=&#39;native&#39;/&gt;", html);
    }

    [Fact]
    public void Headless_chromium_renders_the_report_with_every_chart_loaded()
    {
        // Given the report written to a file
        var file = Path.Combine(_dir, "report.html");
        File.WriteAllText(file, new HtmlReportExporter().Export(SyntheticRun.Model()));

        // When Chromium loads it and dumps the DOM after the load event, and takes a screenshot
        var dom = Chromium($"--virtual-time-budget=5000 --dump-dom file://{file}");
        var screenshot = Path.Combine(_dir, "report.png");
        Chromium($"--virtual-time-budget=5000 --screenshot={screenshot} --window-size=1280,2000 file://{file}");

        // Then every chart image decoded in the browser, and the screenshot shows the page with the winner's green bars
        Assert.Contains("data-charts-loaded=\"7\"", dom);
        Assert.Equal(7, ChartImage().Count(dom));
        using var shot = SKBitmap.Decode(screenshot);
        Assert.NotNull(shot);
        Assert.Equal((1280, 2000), (shot.Width, shot.Height));
        var pixels = shot.Pixels;
        Assert.True(pixels.Distinct().Count() > 200, "the screenshot is nearly blank");
        var green = new SKColor(0x2e, 0x7d, 0x32);
        Assert.True(pixels.Count(p => p == green) > 2000, "no winner bar visible in the screenshot");
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
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 90 s");
            }
            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    [GeneratedRegex("<img class=\"chart\" data-chart=\"(?<kind>[a-z]+)\" alt=\"[^\"]*\" src=\"data:image/png;base64,(?<data>[A-Za-z0-9+/=]+)\">")]
    private static partial Regex ChartImage();

    [GeneratedRegex("(src|href)=\"(https?:|//|file:)")]
    private static partial Regex ExternalResource();
}
