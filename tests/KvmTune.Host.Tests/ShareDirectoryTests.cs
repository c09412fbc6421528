namespace KvmTune.Host.Tests;

public sealed class ShareDirectoryTests
{
    [Fact]
    public void From_a_clone_the_share_directory_is_the_clones_share_folder()
    {
        // Given this test's build output, which lies inside the clone
        // When the share directory is located from it
        var share = ShareDirectory.Locate(AppContext.BaseDirectory);

        // Then it is share/ beside KvmTune.slnx
        Assert.NotNull(share);
        Assert.True(File.Exists(Path.Combine(share, "..", "KvmTune.slnx")));
        Assert.Equal("share", Path.GetFileName(share));
    }

    [Fact]
    public void Installed_the_share_directory_is_prefix_share_kvmtune_next_to_prefix_lib_kvmtune()
    {
        // Given the package's layout under a temporary prefix
        var prefix = Directory.CreateTempSubdirectory("kvmtune-prefix-").FullName;
        try
        {
            var program = Directory.CreateDirectory(Path.Combine(prefix, "usr", "lib", "kvmtune")).FullName;
            var share = Directory.CreateDirectory(Path.Combine(prefix, "usr", "share", "kvmtune")).FullName;

            // When located from the program's directory (with or without its trailing slash)
            // Then it is PREFIX/share/kvmtune
            Assert.Equal(share, ShareDirectory.Locate(program));
            Assert.Equal(share, ShareDirectory.Locate(program + "/"));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void A_build_output_outside_a_clone_finds_the_share_directory_copied_beside_the_program()
    {
        // Given a copied bin/ with the share/ the build puts beside the program, outside any clone
        var bin = Directory.CreateTempSubdirectory("kvmtune-bin-").FullName;
        try
        {
            var share = Directory.CreateDirectory(Path.Combine(bin, "share")).FullName;

            // When located from the program's directory
            // Then it is that share/
            Assert.Equal(share, ShareDirectory.Locate(bin));
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public void This_builds_nova_files_are_found_through_the_share_directory()
    {
        // Given this test's build (run from a clone)
        // When the nova helper and patches are looked up
        var script = ShareDirectory.Find("nova/nova_disks.py");
        var patches = ShareDirectory.List("nova/patches", "*.patch");

        // Then they come from the clone's share/, one patch per code shape
        Assert.True(File.Exists(script));
        Assert.Equal(["disk_io_modes-master.patch", "disk_io_modes-nova-26.patch"], patches.Select(Path.GetFileName));
        Assert.Throws<FileNotFoundException>(() => ShareDirectory.Find("nova/no-such-file.py"));
    }

    [Fact]
    public void Outside_a_clone_and_without_the_packaged_layout_there_is_no_share_directory()
    {
        // Given a directory that is neither
        var dir = Directory.CreateTempSubdirectory("kvmtune-nowhere-").FullName;
        try
        {
            // Then nothing is found
            Assert.Null(ShareDirectory.Locate(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
