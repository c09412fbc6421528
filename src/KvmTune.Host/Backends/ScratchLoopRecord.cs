using System.Text;
using KvmTune.Host.Files;
using KvmTune.Host.Native;

namespace KvmTune.Host.Backends;

/// <summary>
/// What KvmTune records before it attaches a loop device to a scratch image: the image's identity (device and inode)
/// in <c>IMAGE.loop</c> beside it. The clean-up detaches a loop device only when its backing file (as the kernel
/// reports it, LOOP_GET_STATUS64) is such a recorded image inside a scratch directory — never by file name alone.
/// </summary>
public static class ScratchLoopRecord
{
    /// <summary>Writes the record of <paramref name="imageFile"/> and returns its path.</summary>
    public static string Write(string imageFile)
    {
        var identity = LinuxFile.IdentityOf(imageFile) ?? throw new IOException($"{imageFile}: cannot stat the scratch image");
        var record = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(imageFile))!, ScratchNames.LoopRecord(Path.GetFileName(imageFile)));
        DurableFile.WritePrivate(record, Encoding.ASCII.GetBytes(identity + "\n"));
        return record;
    }

    /// <summary>The identity a record holds, or null when it is not one (unreadable, a symlink, garbage).</summary>
    public static FileIdentity? Read(string record)
    {
        if (LinuxFile.LinkStat(record) is not { IsRegularFile: true, Size: < 256 })
        {
            return null;
        }
        try
        {
            return FileIdentity.Parse(File.ReadAllText(record));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
