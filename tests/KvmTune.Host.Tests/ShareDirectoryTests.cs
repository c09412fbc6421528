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
