namespace KvmTune.Host.Tests;

/// <summary>
/// A small real file system mounted on a temporary directory: ext4 on a loop device (user xattrs and ACLs on) or a
/// tmpfs of a few KiB to fill up. Unmounted and removed on dispose.
/// </summary>
internal sealed class MountedFileSystem : IDisposable
{
    private readonly DirectoryInfo _dir;

    private MountedFileSystem(DirectoryInfo dir, string path)
    {
        _dir = dir;
        Path = path;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>An ext4 file system of <paramref name="megabytes"/> MiB, mounted through a loop device.</summary>
    public static MountedFileSystem Ext4(int megabytes = 16)
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-ext4-");
        var image = System.IO.Path.Combine(dir.FullName, "fs.img");
        using (var f = File.Create(image))
        {
            f.SetLength((long)megabytes << 20);
        }
        var mount = Directory.CreateDirectory(System.IO.Path.Combine(dir.FullName, "mnt")).FullName;
        TestProcess.Check("mkfs.ext4", "-q", "-F", image);
        TestProcess.Check("mount", "-o", "loop,user_xattr,acl", image, mount);
        return new MountedFileSystem(dir, mount);
    }

    /// <summary>A tmpfs of <paramref name="size"/> (mount's syntax: 64k).</summary>
    public static MountedFileSystem Tmpfs(string size = "64k")
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-tmpfs-");
        var mount = Directory.CreateDirectory(System.IO.Path.Combine(dir.FullName, "mnt")).FullName;
        TestProcess.Check("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", mount);
        return new MountedFileSystem(dir, mount);
    }

    /// <summary>Fills the file system with one file until it has no space left.</summary>
    public void Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var block = new byte[4096];
        using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    public void Dispose()
    {
        TestProcess.Run("umount", Path);
        _dir.Delete(recursive: true);
    }
}
