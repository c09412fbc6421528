using System.Xml.Linq;

namespace KvmTune.Core.Tests;

public class ProjectBoundaryTests
{
    [Fact]
    public void Core_references_no_library_package_and_no_project()
    {
        var csproj = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "KvmTune.Core", "KvmTune.Core.csproj"));
        // Only build-time analyzers, which add nothing to the assembly
        Assert.All(csproj.Descendants("PackageReference"), p =>
        {
            Assert.EndsWith("Analyzers", (string?)p.Attribute("Include"), StringComparison.Ordinal);
            Assert.Equal("all", (string?)p.Attribute("PrivateAssets"));
        });
        Assert.Empty(csproj.Descendants("ProjectReference"));
    }

    [Fact]
    public void Core_bans_file_process_environment_and_socket_apis_at_build_time()
    {
        var csproj = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "KvmTune.Core", "KvmTune.Core.csproj"));
        Assert.Contains(csproj.Descendants("PackageReference"), p => (string?)p.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        Assert.Contains(csproj.Descendants("AdditionalFiles"), f => (string?)f.Attribute("Include") == "BannedSymbols.txt");
        var banned = File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", "KvmTune.Core", "BannedSymbols.txt")).Select(l => l.Split(';')[0]).ToList();
        foreach (var symbol in new[] { "T:System.IO.File", "T:System.IO.Directory", "T:System.Diagnostics.Process", "T:System.Environment", "N:System.Net.Sockets" })
        {
            Assert.Contains(symbol, banned);
        }
    }

    [Fact]
    public void Core_assembly_depends_only_on_the_runtime()
    {
        var references = typeof(KvmTune.Core.Tuning.CacheMode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }
}
