namespace KvmTune.Tests.Shared;

/// <summary>
/// The services scripts/test-services.sh started (.ci/run starts them; by hand: run the script as root): sshd on
/// 127.0.0.1 and in the network namespace of a second "host", both reaching this machine's libvirtd, and PostgreSQL 15.
/// Read from the file the script writes ($KVMTUNE_TEST_SERVICES, default /run/kvmtune-test-services/services.env).
/// </summary>
internal sealed class TestServices
{
    public const string DefaultFile = "/run/kvmtune-test-services/services.env";

    private TestServices(IReadOnlyDictionary<string, string> values) => Values = values;

    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The private key root's authorized_keys accepts on both sshd.</summary>
    public string SshKey => Values["KVMTUNE_TEST_SSH_KEY"];

    /// <summary>The two ssh "hosts" as (address, port): 127.0.0.1:2222 and the namespace's address:22.</summary>
    public IReadOnlyList<(string Address, int Port)> SshHosts =>
        Values["KVMTUNE_TEST_SSH_HOSTS"].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => (h[..h.LastIndexOf(':')], int.Parse(h[(h.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>postgresql://kvmtune_test:…@127.0.0.1:55432/kvmtune_test</summary>
    public string PostgresUrl => Values["KVMTUNE_TEST_PG_URL"];

    /// <summary>libvirt's ssh transport to one of the hosts: qemu+ssh://root@ADDRESS:PORT/system?keyfile=…&amp;no_verify=1.</summary>
    public string SshUri(int host) =>
        $"qemu+ssh://root@{SshHosts[host].Address}:{SshHosts[host].Port}/system?keyfile={SshKey}&no_verify=1";

    public static TestServices Load()
    {
        var file = Environment.GetEnvironmentVariable("KVMTUNE_TEST_SERVICES") is { Length: > 0 } f ? f : DefaultFile;
        Assert.True(File.Exists(file), $"{file} is missing: start the test services with scripts/test-services.sh (as root)");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(file))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !line.StartsWith('#'))
            {
                values[line[..eq]] = line[(eq + 1)..].Trim('"');
            }
        }
        return new TestServices(values);
    }
}
