using System.Globalization;
using System.Text;

namespace KvmTune.Host.Guest;

/// <summary>
/// Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs
/// (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per entry,
/// the NUL-terminated name and the data each padded to a multiple of 4, and a <c>TRAILER!!!</c> entry.
/// Entries are written in the order added; parents must come before their children.
/// </summary>
public sealed class CpioWriter : IDisposable
{
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymlink = 0xA000;
    private const int TypeCharDevice = 0x2000;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _inode = 1;
    private bool _finished;

    public CpioWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Names already written (without a leading slash).</summary>
    public IReadOnlyCollection<string> Names => _names;

    public bool Contains(string name) => _names.Contains(Normalize(name));

    public void AddDirectory(string name, int permissions = 0x1ED /* 0755 */) =>
        WriteEntry(name, TypeDirectory | permissions, 2, [], 0, 0);

    /// <summary>Adds every missing parent directory of <paramref name="name"/>, outermost first.</summary>
    public void AddParents(string name)
    {
        var parts = Normalize(name).Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            var dir = string.Join('/', parts[..i]);
            if (!_names.Contains(dir))
            {
                AddDirectory(dir);
            }
        }
    }

    public void AddFile(string name, ReadOnlySpan<byte> content, int permissions = 0x1A4 /* 0644 */) =>
        WriteEntry(name, TypeRegular | permissions, 1, content, 0, 0);

    public void AddFile(string name, string content, int permissions = 0x1A4) =>
        AddFile(name, Encoding.UTF8.GetBytes(content), permissions);

    public void AddSymlink(string name, string target) =>
        WriteEntry(name, TypeSymlink | 0x1FF, 1, Encoding.UTF8.GetBytes(target), 0, 0);

    public void AddCharDevice(string name, int major, int minor, int permissions = 0x180 /* 0600 */) =>
        WriteEntry(name, TypeCharDevice | permissions, 1, [], major, minor);

    /// <summary>Writes the trailer. Called by <see cref="Dispose"/> when not called before.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        WriteHeader("TRAILER!!!", 0, 1, 0, 0, 0, 0);
        _stream.Flush();
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static string Normalize(string name)
    {
        var trimmed = name.Trim('/');
        if (trimmed.Length == 0 || trimmed.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"not a relative archive path: '{name}'", nameof(name));
        }
        return trimmed;
    }

    private void WriteEntry(string name, int mode, int links, ReadOnlySpan<byte> data, int rdevMajor, int rdevMinor)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var normalized = Normalize(name);
        if (!_names.Add(normalized))
        {
            throw new InvalidOperationException($"duplicate archive entry '{normalized}'");
        }
        WriteHeader(normalized, mode, links, data.Length, rdevMajor, rdevMinor, _inode++);
        _stream.Write(data);
        Pad(data.Length);
    }

    private void WriteHeader(string name, int mode, int links, int size, int rdevMajor, int rdevMinor, int inode)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder(110);
        header.Append("070701");
        foreach (var field in new[] { inode, mode, 0 /* uid */, 0 /* gid */, links, 0 /* mtime */, size, 0, 0, rdevMajor, rdevMinor, nameBytes.Length + 1, 0 /* check */ })
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }
        _stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _stream.Write(nameBytes);
        _stream.WriteByte(0);
        Pad(110 + nameBytes.Length + 1);
    }

    private void Pad(int length)
    {
        var padding = (4 - (length % 4)) % 4;
        for (var i = 0; i < padding; i++)
        {
            _stream.WriteByte(0);
        }
    }
}
