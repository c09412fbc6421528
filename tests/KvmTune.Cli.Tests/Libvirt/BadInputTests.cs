namespace KvmTune.Cli.Tests.Libvirt;

/// <summary>Bad input to apply and rollback: one line on stderr, exit 2 (3 for an unreachable libvirt), nothing changed.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly KvmTuneProcess _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-badinput-test-").FullName;

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_dir, true);
    }

    private string Policy()
    {
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, """{"version":1,"disks":{"file":{"cache":"none"}}}""");
        return path;
    }

    private static void AssertOneLine(ProcessRun run, string expected, int exitCode = 2)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        var line = Assert.Single(run.ErrLines);
        Assert.StartsWith("kvmtune: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_kind_of_bad_input_is_one_line_exit_2_and_leaves_the_domain_unchanged()
    {
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        var policy = Policy();
        var missing = Path.Combine(_dir, "missing.json");
        var malformed = Path.Combine(_dir, "malformed.json");
        File.WriteAllText(malformed, "{\"version\":1,\"disks\":");

        AssertOneLine(_cli.Run("apply", "--policy", policy, "--domain", "kvmtune-test-no-such-domain", "--yes"), "no domain named 'kvmtune-test-no-such-domain'");
        AssertOneLine(_cli.Run("apply", "--policy", policy, "--domain", domain.Name, "--domain", "kvmtune-test-no-such-domain", "--yes"), "no domain named");
        AssertOneLine(_cli.Run("apply", "--policy", missing, "--domain", domain.Name, "--yes"), $"{missing}: no such file or directory");
        AssertOneLine(_cli.Run("apply", "--policy", _dir, "--domain", domain.Name, "--yes"), $"{_dir}: is a directory, not a policy");
        AssertOneLine(_cli.Run("apply", "--policy", malformed, "--domain", domain.Name, "--yes"), $"{malformed}:");
        AssertOneLine(_cli.Run("apply", "--policy", policy, "--from-run", "1", "--domain", domain.Name), "exactly one of --policy FILE or --from-run RUN");
        AssertOneLine(_cli.Run("apply", "--policy", policy, "--all", "--domain", domain.Name), "--domain NAME (one or more) or --all");
        AssertOneLine(_cli.Run("apply", "--policy", policy), "--domain NAME (one or more) or --all");
        AssertOneLine(_cli.Run("apply", "--from-run", "7", "--domain", domain.Name, "--yes"), "--from-run 7: no results store");
        // An unreachable libvirt is a host failure (exit 3), not bad input: the URI may be right and the host down.
        AssertOneLine(_cli.Run("apply", "--connect", "qemu+tcp://127.0.0.1:1/system", "--policy", policy, "--domain", domain.Name, "--yes"), "qemu+tcp://127.0.0.1:1/system: cannot connect to libvirt", exitCode: 3);
        AssertOneLine(_cli.Run("apply", "--connect", "qemu:///system?socket=/nonexistent/libvirt-sock", "--policy", policy, "--all", "--yes"), "cannot connect to libvirt", exitCode: 3);
        AssertOneLine(_cli.Run("rollback", "--domain", "kvmtune-test-no-such-domain"), "no domain named");
        AssertOneLine(_cli.Run("rollback", "--domain", domain.Name), "no backups");
        AssertOneLine(_cli.Run("rollback"), "--domain NAME is required");
        AssertOneLine(_cli.Run("rollback", "--domain", domain.Name, "--to", "nope.xml"), "--to nope.xml: no such backup");
        AssertOneLine(_cli.Run("rollback", "--connect", "qemu+tcp://127.0.0.1:1/system", "--domain", domain.Name), "cannot connect to libvirt", exitCode: 3);

        Assert.Equal(before, domain.PersistentXml());
        Assert.Empty(_cli.Backups(domain.Name));
        Assert.False(Directory.Exists(Path.Combine(_cli.DataHome, "kvmtune", "backups")));
    }

    [Fact]
    public void Rollback_refuses_a_backup_of_another_domain()
    {
        using var domain = TestDomain.Define();
        using var other = TestDomain.Define();
        var before = domain.PersistentXml();
        var foreign = Path.Combine(_dir, "other.xml");
        File.WriteAllText(foreign, other.PersistentXml());

        AssertOneLine(_cli.Run("rollback", "--domain", domain.Name, "--to", foreign), $"a backup of domain '{other.Name}'");
        Assert.Equal(before, domain.PersistentXml());
    }
}
