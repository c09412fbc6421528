using KvmTune.Cli.Rendering;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Services.Deciding;
using Spectre.Console.Testing;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Rendering;

public class DecisionTableTests
{
    private static Statistic Stat(double median, double half) => new(median, median - half, median + half, half / median / 2, 3);

    [Fact]
    public void The_summary_names_each_profiles_winner_its_interval_the_tie_and_the_report_path()
    {
        var info = new RunInfo(5, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(60), "kvmtune tune", "completed", RunSettings.Empty);
        SubjectResult[] results =
        [
            new(Engine.Host, S("raw-prealloc"), "randread-4k-qd32", Stat(100_000, 2_000), Stat(410, 8), 300, 700),
            new(Engine.Qemu, S("raw-prealloc/none/native"), "randread-4k-qd32", Stat(90_000, 2_000), Stat(369, 8), null, null),
            new(Engine.Qemu, S("raw-prealloc/writeback/threads"), "randread-4k-qd32", Stat(91_000, 2_000), Stat(373, 8), null, null),
        ];
        var report = RunDecider.Decide(new RunData(info, [new(HostFactKeys.QemuVersion, "7.2.0")], [], results), AdvisorConstraints.Default, null);
        using var console = new TestConsole();
        console.Profile.Width = 160;

        DecisionTable.Render(console, report, "/tmp/run-5.html");

        var text = console.Output;
        Assert.Contains("randread-4k-qd32", text);
        Assert.Contains("raw-prealloc/none/native", text);
        Assert.Contains("90k [88k–92k]", text);
        Assert.Contains("0.90×", text);
        Assert.Contains("raw-prealloc/writeback/threads", text);
        Assert.Contains("Overall winner: raw-prealloc/none/native (2 equivalent within 10%, chosen by safety then simplicity)", text);
        Assert.Contains("disk_cachemodes = file=none", text);
        Assert.Contains("Report: /tmp/run-5.html", text);
    }
}
