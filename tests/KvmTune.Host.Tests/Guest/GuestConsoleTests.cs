using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestConsoleTests
{
    [Fact]
    public void Fio_json_between_the_markers_is_extracted_from_a_real_serial_log()
    {
        // Given the serial console of a real TCG boot (CRLF line ends, kernel lines around the markers)
        var console = GuestConsole.Read(GuestFixtures.Path("console-mixed-4k-70r-qd16.log"));

        // When the JSON is taken out
        var json = console.FioJson;

        // Then it is the whole fio document, with the guest's timing markers read too
        Assert.NotNull(json);
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', json);
        Assert.Contains("\"jobname\" : \"mixed-4k-70r-qd16\"", json, StringComparison.Ordinal);
        Assert.Null(console.Error);
        Assert.Equal(11.05, console.InitUptime);
        Assert.Equal(12.00, console.ReadyUptime);
        Assert.Equal("[   17.001709] reboot: Power down", console.LastLines(1).Single());
    }

    [Fact]
    public void A_kernel_message_printed_inside_the_json_is_dropped()
    {
        // Given the real log with a kernel line landing in the middle of the JSON
        var text = GuestFixtures.Text("console-mixed-4k-70r-qd16.log").Replace("\"jobs\" : [", "\"jobs\" : [\r\n[   13.370001] random: crng init done", StringComparison.Ordinal);

        // When the JSON is taken out; then it still parses
        var json = new GuestConsole(text).FioJson!;
        Assert.DoesNotContain("crng", json, StringComparison.Ordinal);
        Assert.True(GuestFioResult.Parse(json).Iops > 0);
    }

    [Fact]
    public void A_fio_failure_in_the_guest_is_read_from_the_error_marker()
    {
        // Given the real console of a guest whose fio job had a bad option
        var console = GuestConsole.Read(GuestFixtures.Path("console-fio-bad-option.log"));

        // Then there is no JSON, the reason is read and fio's own complaint is in the last lines
        Assert.Null(console.FioJson);
        Assert.Equal("fio exited with 1", console.Error);
        Assert.Contains("Bad option <bogus_option=1>", console.LastLines(6));
    }

    [Fact]
    public void A_log_cut_off_before_the_end_marker_has_no_json()
    {
        // Given a console that stopped inside the JSON (the watchdog fired)
        var text = GuestFixtures.Text("console-mixed-4k-70r-qd16.log");
        var cut = text[..text.IndexOf("\"jobs\"", StringComparison.Ordinal)];

        // Then no JSON is claimed
        Assert.Null(new GuestConsole(cut).FioJson);
        Assert.Empty(new GuestConsole("").LastLines(5));
    }
}
