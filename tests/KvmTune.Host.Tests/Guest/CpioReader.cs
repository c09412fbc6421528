using System.Globalization;
using System.Text;

namespace KvmTune.Host.Tests.Guest;

/// <summary>One entry of a newc archive as the kernel would read it.</summary>
public sealed record CpioEntry(string Name, int Mode, byte[] Data, int RdevMajor, int RdevMinor, long HeaderOffset)
{
    public int Type => Mode & 0xF000;
    public bool IsDirectory => Type == 0x4000;
    public bool IsRegular => Type == 0x8000;
    public bool IsSymlink => Type == 0xA000;
    public bool IsCharDevice => Type == 0x2000;
    public int Permissions => Mode & 0xFFF;
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>A strict newc reader for tests: checks the magic, the 4-byte alignment and the trailer.</summary>
public static class CpioReader
{
    public static IReadOnlyList<CpioEntry> Read(byte[] archive, int start = 0)
    {
        var entries = new List<CpioEntry>();
        var offset = start;
        while (true)
        {
            Assert.True(offset % 4 == 0, $"header at {offset} is not 4-byte aligned");
            var header = Encoding.ASCII.GetString(archive, offset, 110);
            Assert.Equal("070701", header[..6]);
            int Field(int index) => int.Parse(header.AsSpan(6 + (index * 8), 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var mode = Field(1);
            var size = Field(6);
            var nameSize = Field(11);
            var name = Encoding.UTF8.GetString(archive, offset + 110, nameSize - 1);
            Assert.Equal(0, archive[offset + 110 + nameSize - 1]);
            var dataStart = Align(offset + 110 + nameSize);
            if (name == "TRAILER!!!")
            {
                return entries;
            }
            entries.Add(new CpioEntry(name, mode, archive[dataStart..(dataStart + size)], Field(9), Field(10), offset));
            offset = Align(dataStart + size);
        }
    }

    /// <summary>The offset just past the trailer of the archive starting at <paramref name="start"/>.</summary>
    public static int EndOf(byte[] archive, int start = 0)
    {
        var offset = start;
        while (true)
        {
            var header = Encoding.ASCII.GetString(archive, offset, 110);
            int Field(int index) => int.Parse(header.AsSpan(6 + (index * 8), 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var nameSize = Field(11);
            var name = Encoding.UTF8.GetString(archive, offset + 110, nameSize - 1);
            var dataStart = Align(offset + 110 + nameSize);
            offset = Align(dataStart + Field(6));
            if (name == "TRAILER!!!")
            {
                return offset;
            }
        }
    }

    private static int Align(int value) => (value + 3) & ~3;
}
