using CliWrap;
using CliWrap.Buffered;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class CpioWriterTests
{
    private static byte[] Sample()
    {
        using var memory = new MemoryStream();
        using (var cpio = new CpioWriter(memory, leaveOpen: true))
        {
            cpio.AddDirectory("bin");
            cpio.AddFile("bin/hello", "#!/bin/sh\necho hi\n", 0x1ED);
            cpio.AddSymlink("bin/sh", "busybox");
            cpio.AddParents("usr/lib/x/libz.so.1");
            cpio.AddFile("usr/lib/x/libz.so.1", [1, 2, 3]);
            cpio.AddCharDevice("console", 5, 1);
        }
        return memory.ToArray();
    }

    [Fact]
    public void Every_entry_is_newc_four_byte_aligned_and_the_archive_ends_with_the_trailer()
    {
        // Given an archive with a directory, files of odd sizes, a symlink and a device
        var archive = Sample();

        // When a strict reader walks it
        var entries = CpioReader.Read(archive);

        // Then every entry is there with its type, permissions and content, parents first
        Assert.Equal(["bin", "bin/hello", "bin/sh", "usr", "usr/lib", "usr/lib/x", "usr/lib/x/libz.so.1", "console"], entries.Select(e => e.Name));
        Assert.True(entries[0].IsDirectory);
        Assert.True(entries[1].IsRegular);
        Assert.Equal(0x1ED, entries[1].Permissions);
        Assert.Equal("#!/bin/sh\necho hi\n", entries[1].Text);
        Assert.True(entries[2].IsSymlink);
        Assert.Equal("busybox", entries[2].Text);
        Assert.Equal([1, 2, 3], entries[6].Data);
        Assert.True(entries[7].IsCharDevice);
        Assert.Equal((5, 1), (entries[7].RdevMajor, entries[7].RdevMinor));
        Assert.Equal(archive.Length, CpioReader.EndOf(archive));
        Assert.Equal(0, archive.Length % 4);
    }

    [Fact]
    public async Task The_real_cpio_tool_extracts_the_archive_unchanged()
    {
        // Given the archive written to disk
        var dir = Directory.CreateTempSubdirectory("kvmtune-cpio-");
        try
        {
            var file = Path.Combine(dir.FullName, "test.cpio");
            await File.WriteAllBytesAsync(file, Sample());
            var root = Directory.CreateDirectory(Path.Combine(dir.FullName, "root")).FullName;

            // When GNU cpio lists and extracts it
            var list = await Cli.Wrap("cpio").WithArguments(["-it", "-F", file]).ExecuteBufferedAsync();
            await Cli.Wrap("cpio").WithArguments(["-id", "--quiet", "-F", file]).WithWorkingDirectory(root).ExecuteAsync();

            // Then it sees the same entries and contents
            Assert.Equal("bin\nbin/hello\nbin/sh\nusr\nusr/lib\nusr/lib/x\nusr/lib/x/libz.so.1\nconsole\n", list.StandardOutput);
            Assert.Equal("#!/bin/sh\necho hi\n", await File.ReadAllTextAsync(Path.Combine(root, "bin", "hello")));
            Assert.Equal("busybox", new FileInfo(Path.Combine(root, "bin", "sh")).LinkTarget);
            Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(root, "usr", "lib", "x", "libz.so.1")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/./b")]
    [InlineData("/")]
    public void A_path_leaving_the_archive_root_is_refused(string name)
    {
        // Given a writer; when a path with dot segments or no name is added; then it is refused
        using var cpio = new CpioWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => cpio.AddFile(name, "x"));
    }

    [Fact]
    public void A_duplicate_entry_is_refused()
    {
        // Given an archive holding init; when init is added again; then the writer refuses
        using var cpio = new CpioWriter(new MemoryStream());
        cpio.AddFile("init", "a");
        Assert.Throws<InvalidOperationException>(() => cpio.AddFile("/init", "b"));
    }
}
