using KvmTune.Core;
using KvmTune.Core.Input;
using KvmTune.Host.Native;

namespace KvmTune.Host.Input;

/// <summary>
/// Reads what a user hands KvmTune (domain XML, nova.conf, policies, backups, command lines) with a size limit: a
/// regular file only (a device, FIFO or socket is refused before it is opened, so <c>/dev/zero</c> or a pipe never
/// blocks or fills memory), and never more than the limit plus one byte. Every refusal is one
/// <see cref="InputException"/> line naming the path.
/// </summary>
public static class InputFiles
{
    /// <summary>The bytes of the regular file <paramref name="path"/>; <paramref name="what"/> names it in messages (<c>nova.conf</c>).</summary>
    public static byte[] ReadBytes(string path, long limit, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        var status = LinuxFile.Stat(path);
        if (status is null)
        {
            throw File.Exists(path) || Directory.Exists(path)
                ? new InputException($"{path}: cannot read: permission denied")
                : new InputException($"{path}: no such file or directory");
        }
        if (status.IsDirectory)
        {
            throw new InputException($"{path}: is a directory, not a {what}");
        }
        if (!status.IsRegularFile)
        {
            throw new InputException($"{path}: is a {Kind(status.Mode)}, not a regular file; a {what} must be a regular file");
        }
        if (status.Size > limit)
        {
            throw TooLarge(path, limit, what);
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            return ReadBounded(stream, path, limit, what);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: permission denied");
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: no such file or directory");
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: cannot read: {InputText.Quote(e.Message, 200)}", e);
        }
    }

    /// <summary>The text of <paramref name="path"/>: <see cref="ReadBytes"/>, then strict UTF-8 (invalid bytes refused with their offset).</summary>
    public static string ReadText(string path, long limit, string what, bool keepByteOrderMark = false) =>
        InputText.DecodeUtf8(ReadBytes(path, limit, what), path, keepByteOrderMark);

    /// <summary>At most <paramref name="limit"/> bytes of a stream (standard input); more is refused.</summary>
    public static byte[] ReadBounded(Stream stream, string label, long limit, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(label, limit, what);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>At most <paramref name="limit"/> characters of a reader (standard input in tests); more is refused.</summary>
    public static string ReadBounded(TextReader reader, string label, long limit, string what)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var text = new System.Text.StringBuilder();
        var chunk = new char[64 * 1024];
        int read;
        while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (text.Length + read > limit)
            {
                throw TooLarge(label, limit, what);
            }
            text.Append(chunk, 0, read);
        }
        return text.ToString();
    }

    private static InputException TooLarge(string label, long limit, string what) =>
        new($"{label}: larger than {InputLimits.Describe(limit)}, the limit for a {what}; refused without reading the rest");

    private static string Kind(uint mode) => (mode & 0xF000) switch
    {
        0x2000 => "character device",
        0x6000 => "block device",
        0x1000 => "FIFO (named pipe)",
        0xC000 => "socket",
        _ => "special file",
    };
}
