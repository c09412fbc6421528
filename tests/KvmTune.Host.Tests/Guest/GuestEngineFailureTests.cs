using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestEngineFailureTests
{
    private static readonly Candidate Candidate = new(Backend.RawPrealloc, CacheMode.None, IoMode.Native);

    [Fact]
    public void A_timed_out_boot_names_the_watchdog_and_quotes_the_last_console_lines()
    {
        // Given the console of a real boot cut off after fio started
        var text = GuestFixtures.Text("console-mixed-4k-70r-qd16.log");
        var cut = new GuestConsole(text[..text.IndexOf(InitramfsBuilder.FioBegin, StringComparison.Ordinal)]);

        // When the watchdog's failure is described
        var message = GuestEngine.DescribeFailure(Candidate, new MicroVmRun(cut, TimeSpan.FromSeconds(180), TimedOut: true, "qemu"), TimeSpan.FromSeconds(180));

        // Then it is one line with the launcher, the candidate, the limit and the console's tail
        Assert.Equal("micro-VM (qemu) for raw-prealloc/none/native timed out after 180 s and was destroyed; last console lines: ===KVMTUNE-INIT=== 11.05 | ===KVMTUNE-READY=== 12.00", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void A_guest_side_failure_reports_the_guests_reason()
    {
        // Given the real console of a guest whose fio refused its job
        var console = GuestConsole.Read(GuestFixtures.Path("console-fio-bad-option.log"));

        // When the failure is described
        var message = GuestEngine.DescribeFailure(Candidate, new MicroVmRun(console, TimeSpan.FromSeconds(30), TimedOut: false, "libvirt"), TimeSpan.FromSeconds(180));

        // Then the reason and fio's complaint are in it
        Assert.StartsWith("micro-VM (libvirt) for raw-prealloc/none/native failed: fio exited with 1; last console lines: ", message, StringComparison.Ordinal);
        Assert.Contains("Bad option <bogus_option=1>", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silent_guest_is_reported_as_an_empty_console()
    {
        var message = GuestEngine.DescribeFailure(Candidate, new MicroVmRun(new GuestConsole(""), TimeSpan.FromSeconds(5), TimedOut: false, "qemu"), TimeSpan.FromSeconds(180));
        Assert.Equal("micro-VM (qemu) for raw-prealloc/none/native powered off without a fio result; last console lines: (console empty)", message);
    }
}
