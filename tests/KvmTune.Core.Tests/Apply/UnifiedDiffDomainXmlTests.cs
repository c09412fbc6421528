using System.Diagnostics;
using KvmTune.Core.Apply;

namespace KvmTune.Core.Tests.Apply;

/// <summary>The unified diff on recorded domain XML, checked against GNU diff -u on the same texts.</summary>
public sealed class UnifiedDiffDomainXmlTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "apply", name));

    [Fact]
    public void Equal_texts_have_an_empty_diff()
    {
        var xml = Fixture("qemu-two-disks.xml");
        Assert.Equal("", UnifiedDiff.Create(xml, xml, "a", "b"));
    }

    [Fact]
    public void One_changed_attribute_gives_a_one_line_change_with_three_lines_of_context()
    {
        var before = Fixture("qemu-two-disks.xml");
        var after = before.Replace("type='qcow2'/>", "type='qcow2' cache='none'/>", StringComparison.Ordinal);

        var diff = UnifiedDiff.Create(before, after, "old", "new");

        Assert.Equal(
            """
            --- old
            +++ new
            @@ -18,7 +18,7 @@
               <devices>
                 <emulator>/usr/bin/qemu-system-x86_64</emulator>
                 <disk type='file' device='disk'>
            -      <driver name='qemu' type='qcow2'/>
            +      <driver name='qemu' type='qcow2' cache='none'/>
                   <source file='/var/lib/libvirt/images/vda.qcow2'/>
                   <target dev='vda' bus='virtio'/>
                   <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>

            """.ReplaceLineEndings("\n"),
            diff);
    }

    public static TheoryData<string, string, string> Edits => new()
    {
        { "qemu-two-disks.xml", "type='qcow2'/>", "type='qcow2' cache='none' io='native'/>" },
        { "qemu-two-disks.xml", "cache='none' io='native'/>", "cache='writeback' io='threads'/>" },
        { "nova-mixed-disks.xml", "<driver name='qemu' type='raw'/>", "<driver name='qemu' type='raw' cache='none'/>" },
        { "nova-mixed-disks.xml", "      <readonly/>\n", "" },
        { "nova-mixed-disks.xml", "  <iothreads>2</iothreads>\n", "  <iothreads>2</iothreads>\n  <iothreadids>\n    <iothread id='1'/>\n  </iothreadids>\n" },
        { "nova-mixed-disks.xml", "</domain>\n", "</domain>" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void The_diff_is_what_gnu_diff_u_prints(string fixture, string find, string replace)
    {
        // Given a recorded domain and an edited copy (every occurrence replaced)
        var before = Fixture(fixture);
        var after = before.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(before, after);

        // When both KvmTune and diff -u compare them
        var ours = UnifiedDiff.Create(before, after, "a.xml", "b.xml");
        var gnu = GnuDiff(before, after);

        // Then the outputs are identical
        Assert.Equal(gnu, ours);
    }

    private static string GnuDiff(string before, string after)
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-diff-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a"), before);
            File.WriteAllText(Path.Combine(dir, "b"), after);
            var psi = new ProcessStartInfo("diff") { RedirectStandardOutput = true, WorkingDirectory = dir };
            foreach (var arg in new[] { "-u", "--label", "a.xml", "--label", "b.xml", "a", "b" })
            {
                psi.ArgumentList.Add(arg);
            }
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
