using System.Diagnostics;

namespace KvmTune.Cli.Tests.Fleet;

/// <summary>The services scripts/test-services.sh starts answer: both sshd (with libvirt behind them) and PostgreSQL.</summary>
public sealed class TestServicesTests
{
    [Fact]
    public void PostgreSQL_15_answers_on_its_url_as_the_test_role()
    {
        // Given the URL the script exported
        var services = TestServices.Load();

        // When psql asks it for its version and its user
        var output = Run("psql", services.PostgresUrl, "-tAc", "SELECT current_user || ' ' || current_setting('server_version_num')");

        // Then PostgreSQL 15 answers as kvmtune_test
        Assert.StartsWith("kvmtune_test 15", output.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Both_ssh_hosts_reach_libvirtd_through_the_remote_transport(int host)
    {
        // Given one of the two ssh "hosts" (127.0.0.1, and the address in the second network namespace)
        var services = TestServices.Load();

        // When virsh connects through qemu+ssh
        var output = Run("virsh", "-c", services.SshUri(host), "version", "--daemon");

        // Then the daemon behind ssh answers with its QEMU and libvirt versions
        Assert.Contains("Running hypervisor: QEMU", output, StringComparison.Ordinal);
        Assert.Contains("Running against daemon:", output, StringComparison.Ordinal);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)), $"{file} did not finish in a minute");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
