using KvmTune.Host.Nova;

namespace KvmTune.Host.Tests.Nova;

public class NovaPythonTests
{
    [Fact]
    public void Stestrs_totals_of_a_passing_run_give_the_counts_and_expected_failures()
    {
        var run = NovaPython.ParseStestr(Fixture.Read("nova/stestr-patched-libvirt.txt"), 613.34, []);

        Assert.Equal((2073, 2071, 1, 1, 0), (run.Ran, run.Passed, run.Skipped, run.ExpectedFailures, run.Failed));
        Assert.True(run.Succeeded);
        Assert.Empty(run.FailedTests);
        Assert.Equal(613.3, run.Seconds);
    }

    [Fact]
    public void A_failing_run_names_its_failed_tests_and_does_not_succeed()
    {
        var run = NovaPython.ParseStestr(Fixture.Read("nova/stestr-stock-tree-failing.txt"), 20, ["test_disk_io_modes\\."]);

        Assert.Equal((26, 7, 19), (run.Ran, run.Passed, run.Failed));
        Assert.False(run.Succeeded);
        Assert.Equal(19, run.FailedTests.Count);
        Assert.Contains("nova.tests.unit.virt.libvirt.test_disk_io_modes.LibvirtDiskIoModesTestCase.test_option_is_registered_with_an_empty_default", run.FailedTests);
        Assert.Equal(["test_disk_io_modes\\."], run.Filters);
    }

    [Fact]
    public void A_module_that_cannot_be_imported_counts_as_a_failure_and_nothing_ran()
    {
        const string output = "Failed to import test module: nova.tests.unit.virt.libvirt.test_driver\nTraceback (most recent call last):\nModuleNotFoundError: No module named 'wsgi_intercept'\n";

        var run = NovaPython.ParseStestr(output, 3, []);

        Assert.Equal((0, 1), (run.Ran, run.Failed));
        Assert.False(run.Succeeded);
    }
}
