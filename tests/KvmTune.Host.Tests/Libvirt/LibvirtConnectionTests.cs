using System.Diagnostics;
using System.Text.RegularExpressions;
using KvmTune.Host.Libvirt;
using KvmTune.Tests.Shared;

namespace KvmTune.Host.Tests.Libvirt;

/// <summary>The libvirt binding against the real libvirtd (qemu:///system).</summary>
public sealed class LibvirtConnectionTests
{
    [Fact]
    public void A_read_only_connection_lists_a_defined_domain_and_reads_its_persistent_xml()
    {
        // Given a test domain defined in libvirtd
        using var test = TestDomain.Define();

        // When a read-only connection lists every domain
        using var conn = LibvirtConnection.OpenReadOnly(TestDomain.SystemUri);
        var domains = conn.ListAllDomains();

        // Then the domain is there, shut off and persistent, and its XML names its disks
        var dom = Assert.Single(domains, d => d.Name == test.Name);
        Assert.Equal(DomainState.Shutoff, dom.State);
        Assert.False(dom.IsActive);
        Assert.True(dom.IsPersistent);
        Assert.Null(dom.Id);
        Assert.Matches("^[0-9a-f-]{36}$", dom.Uuid);
        Assert.Contains($"<name>{test.Name}</name>", dom.PersistentXml, StringComparison.Ordinal);
        Assert.Contains("vdb.raw", dom.PersistentXml, StringComparison.Ordinal);
        Assert.True(conn.IsReadOnly);
        foreach (var d in domains)
        {
            d.Dispose();
        }
    }

    [Fact]
    public void The_hypervisor_version_is_the_installed_qemu_and_the_library_version_is_libvirtd()
    {
        // Given the versions the installed binaries print
        var qemu = Run("qemu-system-x86_64", "--version");
        var libvirtd = Run("libvirtd", "--version");
        var qemuVersion = Version.Parse(Regex.Match(qemu, @"version (\d+\.\d+\.\d+)").Groups[1].Value);
        var libvirtVersion = Version.Parse(Regex.Match(libvirtd, @"(\d+\.\d+\.\d+)").Groups[1].Value);

        // When the connection reports its versions
        using var conn = LibvirtConnection.OpenReadOnly(TestDomain.SystemUri);
        var facts = conn.HostFacts();

        // Then they agree
        Assert.Equal(qemuVersion, conn.HypervisorVersion);
        Assert.Equal(libvirtVersion, conn.LibvirtVersion);
        Assert.Equal(qemuVersion, facts.QemuVersion);
        Assert.Equal(libvirtVersion, facts.LibvirtVersion);
        Assert.Equal("qemu:///system", conn.Uri);
        Assert.False(string.IsNullOrEmpty(conn.Hostname));
    }

    [Fact]
    public void Looking_up_an_unknown_domain_raises_no_domain_with_libvirts_code()
    {
        using var conn = LibvirtConnection.OpenReadOnly(TestDomain.SystemUri);
        var name = "kvmtune-test-missing-" + Guid.NewGuid().ToString("N");

        var e = Assert.Throws<LibvirtNoDomainException>(() => conn.LookupByName(name));

        Assert.Equal(LibvirtErrorCode.NoDomain, e.KnownCode);
        Assert.Equal(42, e.Code);
        Assert.Contains(name, e.LibvirtMessage, StringComparison.Ordinal);
        Assert.Null(conn.TryLookupByName(name));
    }

    [Theory]
    [InlineData("qemu+tcp://127.0.0.1:1/system")]
    [InlineData("qemu:///system?socket=/nonexistent/kvmtune-no-such.sock")]
    public void An_unreachable_uri_raises_a_connection_error_carrying_libvirts_code_and_message(string uri)
    {
        var e = Assert.Throws<LibvirtConnectionException>(() => LibvirtConnection.OpenReadOnly(uri));

        Assert.Equal(uri, e.Uri);
        Assert.Equal(LibvirtErrorCode.SystemError, e.KnownCode);
        Assert.NotEqual(0, e.ErrorDomain);
        Assert.Contains(uri, e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(e.LibvirtMessage));
    }

    [Fact]
    public void A_read_only_connection_cannot_define_a_domain()
    {
        using var test = TestDomain.Define();
        using var conn = LibvirtConnection.OpenReadOnly(TestDomain.SystemUri);

        var e = Assert.Throws<LibvirtException>(() => conn.DefineXml(test.DefinedXml));

        Assert.Equal(LibvirtErrorCode.OperationDenied, e.KnownCode);
    }

    [Fact]
    public void DefineXml_replaces_the_persistent_definition_and_refuses_a_value_libvirt_does_not_know()
    {
        // Given a test domain
        using var test = TestDomain.Define();
        using var conn = TestDomain.Connect();

        // When its definition is replaced with one that sets cache='none' on vdb
        var original = test.PersistentXml();
        var edited = original.Replace("type='raw'/>", "type='raw' cache='none' io='native'/>", StringComparison.Ordinal);
        using (conn.DefineXml(edited))
        {
        }

        // Then the persistent XML has it
        using var dom = conn.LookupByName(test.Name);
        Assert.Contains("type='raw' cache='none' io='native'/>", dom.PersistentXml, StringComparison.Ordinal);

        // And a value outside libvirt's schema is refused, leaving the definition as it was
        var before = dom.PersistentXml;
        var bogus = original.Replace("type='raw'/>", "type='raw' cache='bogus'/>", StringComparison.Ordinal);
        var e = Assert.Throws<LibvirtException>(() => conn.DefineXml(bogus));
        Assert.NotEqual(0, e.Code);
        Assert.Equal(before, dom.PersistentXml);
    }

    [Fact]
    public void A_domain_starts_under_tcg_and_is_destroyed_when_it_ignores_shutdown()
    {
        // Given a defined test domain (no OS: QEMU sits in firmware)
        using var test = TestDomain.Define();
        using var conn = TestDomain.Connect();
        using var dom = conn.LookupByName(test.Name);

        // When it is started
        dom.Start();

        // Then it runs, has an id and a live XML different from the persistent one
        Assert.Equal(DomainState.Running, dom.State);
        Assert.True(dom.IsActive);
        Assert.NotNull(dom.Id);
        Assert.Contains($"id='{dom.Id}'", dom.LiveXml, StringComparison.Ordinal);
        Assert.DoesNotContain("id='", dom.PersistentXml.Split('\n')[0], StringComparison.Ordinal);

        // When it is shut down with a short timeout (no ACPI in the guest), it is destroyed
        var graceful = dom.ShutdownOrDestroy(TimeSpan.FromSeconds(1));
        Assert.False(graceful);
        Assert.Equal(DomainState.Shutoff, dom.State);
    }

    [Fact]
    public void Undefine_removes_the_domain()
    {
        using var test = TestDomain.Define();
        using var conn = TestDomain.Connect();
        using (var dom = conn.LookupByName(test.Name))
        {
            dom.Undefine();
        }

        Assert.Null(conn.TryLookupByName(test.Name));
    }

    private static string Run(string file, string arg)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arg) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text;
    }
}
