using System.Globalization;
using CliWrap;
using CliWrap.Buffered;

namespace KvmTune.Host.Tests;

/// <summary>A unique temporary directory with images made by qemu-img; removed on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory() => Path = Directory.CreateTempSubdirectory("kvmtune-test-").FullName;

    public string Path { get; }

    public async Task<string> ImageAsync(string name, string format, string preallocation, long size)
    {
        var path = System.IO.Path.Combine(Path, name);
        var result = await Cli.Wrap("qemu-img")
            .WithArguments(["create", "-q", "-f", format, "-o", $"preallocation={preallocation}", path, size.ToString(CultureInfo.InvariantCulture)])
            .ExecuteBufferedAsync();
        Assert.Equal(0, result.ExitCode);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
