using System.Text.Json.Nodes;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Commands;

public sealed class ExplainCommandTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly List<string> _temp = [];

    private static string Corpus(string name)
    {
        var path = Path.Combine(RepoPaths.LibvirtCorpus, name);
        Assert.True(File.Exists(path), $"corpus file missing: {path}");
        return path;
    }

    private string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kvmtune-explain-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, content);
        _temp.Add(path);
        return path;
    }

    private Task<int> Run(params string[] args) => KvmTuneApp.RunAsync(args, new CliOutput(_console, _out, _err));

    public void Dispose()
    {
        foreach (var path in _temp)
        {
            File.Delete(path);
        }
        _console.Dispose();
        _out.Dispose();
        _err.Dispose();
    }

    [Fact]
    public async Task Json_explains_every_disk_with_its_implied_qemu_options()
    {
        // Given disk-cache.xml with the five cache modes
        var file = Corpus("disk-cache.xml");

        // When explained as JSON
        var code = await Run("explain", file, "--format", "json");

        // Then exit 0, nothing on stderr, and one result with five disks in document order
        Assert.Equal(0, code);
        Assert.Equal("", _err.ToString());
        var json = JsonNode.Parse(_out.ToString())!;
        var result = Assert.Single(json["results"]!.AsArray())!;
        Assert.Equal(file, (string?)result["file"]);
        Assert.Equal("QEMUGuest1", (string?)result["domain"]);
        var disks = result["disks"]!.AsArray();
        Assert.Equal(["hda", "hdb", "sda", "vda", "sdb"], disks.Select(d => (string?)d!["disk"]));
        Assert.Equal(["writeback", "unsafe", "none", "writethrough", "directsync"], disks.Select(d => (string?)d!["cache"]!["value"]));
        var unsafeDisk = disks[1]!;
        Assert.True((bool)unsafeDisk["qemu"]!["cache_no_flush"]!);
        Assert.Equal("cache.direct=off,cache.no-flush=on", (string?)unsafeDisk["qemu"]!["blockdev"]);
        Assert.Equal("unsafe", (string?)unsafeDisk["crash_safety"]!["class"]);
        Assert.Equal("write-cache=off", (string?)disks[3]!["qemu"]!["device"]);
        Assert.Equal("sync-every-write", (string?)disks[4]!["crash_safety"]!["class"]);
        Assert.Equal("safe", (string?)disks[2]!["migration_safety"]!["class"]);
        // Host facts are unknown for a file: the migration class of a cached mode is unknown, not guessed.
        Assert.Equal("unknown", (string?)disks[0]!["migration_safety"]!["class"]);
        Assert.All(disks, d => Assert.IsType<JsonArray>(d!["findings"]));
    }

    [Fact]
    public async Task Json_says_an_unset_cache_is_the_hypervisor_default_writeback_and_unset_io_is_threads()
    {
        var code = await Run("explain", "--format", "json", Corpus("disk-virtio.xml"));

        Assert.Equal(0, code);
        var disk = JsonNode.Parse(_out.ToString())!["results"]![0]!["disks"]!.AsArray()
            .First(d => (string?)d!["cache"]!["value"] is null && (string?)d!["device"] == "disk")!;
        Assert.True((bool)disk["cache"]!["default"]!);
        Assert.Equal("writeback", (string?)disk["cache"]!["effective"]);
        Assert.Contains("hypervisor default", (string?)disk["cache"]!["meaning"], StringComparison.Ordinal);
        Assert.Null(disk["qemu"]!["write_cache"]);
        Assert.Null(disk["qemu"]!["aio"]);
    }

    [Fact]
    public async Task Table_is_the_default_and_shows_each_disk_and_its_blockdev_options()
    {
        var code = await Run("explain", Corpus("disk-aio.xml"));

        Assert.Equal(0, code);
        Assert.Equal("", _out.ToString());
        var text = _console.Output;
        Assert.Contains("QEMUGuest1", text, StringComparison.Ordinal);
        Assert.Contains("hda (disk, ide)", text, StringComparison.Ordinal);
        Assert.Contains("hdc (cdrom, ide)", text, StringComparison.Ordinal);
        Assert.Contains("cache.direct=on,cache.no-flush=off,aio=native", text, StringComparison.Ordinal);
        Assert.Contains("read-only", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_files_give_one_result_each_in_order()
    {
        var code = await Run("explain", "--format", "json", Corpus("disk-aio.xml"), Corpus("disk-network-rbd.xml"));

        Assert.Equal(0, code);
        var results = JsonNode.Parse(_out.ToString())!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        var rbd = results[1]!["disks"]![0]!;
        Assert.Equal("network", (string?)rbd["type"]);
        Assert.Null(rbd["io"]!["effective"]);
        Assert.StartsWith("rbd:pool/image (mon1.example.org:6321", (string?)rbd["source"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_one_line_on_stderr_exit_2_and_nothing_written()
    {
        // Given a good file followed by a missing one
        var missing = Path.Combine(Path.GetTempPath(), $"kvmtune-missing-{Guid.NewGuid():N}.xml");

        var code = await Run("explain", "--format", "json", Corpus("disk-aio.xml"), missing);

        // Then nothing about the good file is written either
        Assert.Equal(2, code);
        Assert.Equal($"kvmtune: {missing}: no such file or directory" + Environment.NewLine, _err.ToString());
        Assert.Equal("", _out.ToString());
        Assert.Equal("", _console.Output);
    }

    [Fact]
    public async Task Malformed_xml_is_reported_with_file_line_and_column()
    {
        var bad = TempFile("<domain type='kvm'>\n  <devices>\n    <disk>\n  </devices>\n</domain>\n");

        var code = await Run("explain", bad);

        Assert.Equal(2, code);
        var line = Assert.Single(_err.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kvmtune: {bad}:4:", line, StringComparison.Ordinal);
        Assert.Contains("malformed XML", line, StringComparison.Ordinal);
        Assert.Equal("", _console.Output);
    }

    [Fact]
    public async Task A_root_other_than_domain_is_refused()
    {
        var net = TempFile("<network>\n  <name>default</name>\n</network>\n");

        var code = await Run("explain", net);

        Assert.Equal(2, code);
        Assert.Contains($"{net}:1:2: root element is <network>, expected <domain>", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_without_domain_xml_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory("kvmtune-empty-").FullName;
        try
        {
            var code = await Run("explain", empty);

            Assert.Equal(2, code);
            Assert.Contains("directory has no *.xml file", _err.ToString(), StringComparison.Ordinal);
            Assert.Equal("", _out.ToString());
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("explain")]
    [InlineData("explain", "--format", "yaml", "x.xml")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var code = await Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("kvmtune: ", _err.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _out.ToString());
    }
}
