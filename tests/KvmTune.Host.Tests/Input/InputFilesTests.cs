using System.Diagnostics;
using KvmTune.Core;
using KvmTune.Core.Input;
using KvmTune.Host.Domains;
using KvmTune.Host.Input;

namespace KvmTune.Host.Tests.Input;

public sealed class InputFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kvmtune-input-" + Guid.NewGuid().ToString("N"));

    public InputFilesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Dev_zero_is_refused_as_a_character_device_before_anything_is_read()
    {
        var e = Assert.Throws<InputException>(() => InputFiles.ReadBytes("/dev/zero", InputLimits.DomainXmlBytes, "domain XML file"));

        Assert.Equal("/dev/zero: is a character device, not a regular file; a domain XML file must be a regular file", e.Message);
    }

    [Fact]
    public void A_fifo_is_refused_without_waiting_for_a_writer()
    {
        var fifo = Path.Combine(_dir, "pipe.xml");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var e = Assert.Throws<InputException>(() => InputFiles.ReadBytes(fifo, InputLimits.NovaConfBytes, "nova.conf"));

        Assert.Contains("FIFO (named pipe), not a regular file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_naming_the_limit()
    {
        var big = Path.Combine(_dir, "big.json");
        using (var stream = File.Create(big))
        {
            stream.SetLength(InputLimits.PolicyBytes + 1);
        }

        var e = Assert.Throws<InputException>(() => InputFiles.ReadBytes(big, InputLimits.PolicyBytes, "policy"));

        Assert.Equal($"{big}: larger than 4 MiB, the limit for a policy; refused without reading the rest", e.Message);
    }

    [Fact]
    public void A_stream_longer_than_the_limit_stops_at_the_limit()
    {
        using var endless = new EndlessStream();

        var e = Assert.Throws<InputException>(() => InputFiles.ReadBounded(endless, "<stdin>", 1 << 20, "domain XML"));

        Assert.Contains("<stdin>: larger than 1 MiB", e.Message, StringComparison.Ordinal);
        Assert.True(endless.Served <= (1 << 20) + (64 << 10), endless.Served.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_directory_and_a_missing_file_are_named()
    {
        Assert.Equal($"{_dir}: is a directory, not a nova.conf",
            Assert.Throws<InputException>(() => InputFiles.ReadBytes(_dir, 100, "nova.conf")).Message);
        Assert.Equal($"{_dir}/none: no such file or directory",
            Assert.Throws<InputException>(() => InputFiles.ReadBytes($"{_dir}/none", 100, "nova.conf")).Message);
    }

    [Fact]
    public void A_domain_file_with_invalid_utf8_is_refused_with_its_byte_offset()
    {
        var file = Path.Combine(_dir, "vm.xml");
        File.WriteAllBytes(file, [.. "<domain><name>"u8, 0xFF, .. "</name></domain>"u8]);

        var source = new FileDomainSource([file], TextReader.Null);
        var e = Assert.Throws<InputException>(() => source.Read());

        Assert.Equal($"{file}: invalid UTF-8 at byte offset 14; the input must be UTF-8 text", e.Message);
    }

    [Fact]
    public void Standard_input_given_as_bytes_is_checked_as_utf8()
    {
        using var stdin = new StreamReader(new MemoryStream([.. "<domain>"u8, 0xC3, 0x28, .. "</domain>"u8]));

        var e = Assert.Throws<InputException>(() => new FileDomainSource(["-"], stdin).Read());

        Assert.Equal("<stdin>: invalid UTF-8 at byte offset 8; the input must be UTF-8 text", e.Message);
    }

    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'<', offset, count);
            Served += count;
            return count;
        }
    }
}

public class BackupInputTests
{
    [Fact]
    public void A_rollback_to_dev_zero_is_refused_before_anything_is_read()
    {
        var backup = new KvmTune.Host.Libvirt.DomainBackup("/dev/zero", "web01", DateTime.UtcNow, "file");

        var e = Assert.Throws<InputException>(() => KvmTune.Host.Libvirt.DomainBackupStore.Read(backup));

        Assert.Equal("/dev/zero: is a character device, not a regular file; a domain backup must be a regular file", e.Message);
    }
}
