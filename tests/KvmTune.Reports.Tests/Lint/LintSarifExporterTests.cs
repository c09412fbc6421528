using KvmTune.Core.Rules;
using KvmTune.Reports.Lint;

namespace KvmTune.Reports.Tests.Lint;

public class LintSarifExporterTests
{
    [Theory]
    [InlineData("domains/web.xml", "domains/web.xml")]
    [InlineData("my domains/web 1.xml", "my%20domains/web%201.xml")]
    [InlineData("/etc/libvirt/qemu/web.xml", "file:///etc/libvirt/qemu/web.xml")]
    [InlineData("/srv/my vm.xml", "file:///srv/my%20vm.xml")]
    public void Artifact_uris_keep_relative_paths_relative_and_escape_them(string path, string expected) =>
        Assert.Equal(expected, LintSarifExporter.ArtifactUri(path));

    [Theory]
    [InlineData(Severity.Error, "error")]
    [InlineData(Severity.Warning, "warning")]
    [InlineData(Severity.Info, "note")]
    public void Severities_map_to_sarif_levels(Severity severity, string level) =>
        Assert.Equal(level, LintSarifExporter.Level(severity));
}
