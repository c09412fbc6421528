using System.Xml.Linq;

namespace KvmTune.Core.Tests;

public class ProjectBoundaryTests
{
    [Fact]
    public void Core_references_no_package_and_no_project()
    {
        var csproj = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "KvmTune.Core", "KvmTune.Core.csproj"));
        Assert.Empty(csproj.Descendants("PackageReference"));
        Assert.Empty(csproj.Descendants("ProjectReference"));
    }

    [Fact]
    public void Core_assembly_depends_only_on_the_runtime()
    {
        var references = typeof(KvmTune.Core.Tuning.CacheMode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }
}
