using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KvmTune.Cli.Tests.Packaging;

/// <summary>
/// The .deb that scripts/package.sh built (scripts/test.sh and .ci/run build it first; set KVMTUNE_DEB to test
/// another): its control fields, its files, and the program it holds running from an extracted copy without .NET.
/// scripts/package-check.sh installs the same package with apt-get into a fresh Debian 12 root.
/// </summary>
public sealed partial class DebianPackageTests
{
    private static string Version { get; } =
        VersionElement().Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"))).Groups[1].Value;

    private static string Deb
    {
        get
        {
            var deb = Environment.GetEnvironmentVariable("KVMTUNE_DEB") is { Length: > 0 } given
                ? given
                : Path.Combine(RepoPaths.Root, "artifacts", $"kvmtune_{Version}_amd64.deb");
            Assert.True(File.Exists(deb), $"{deb} is missing: run scripts/package.sh first (scripts/test.sh does)");
            return deb;
        }
    }

    [Fact]
    public void Control_fields_carry_the_version_of_Directory_Build_props_and_no_dotnet_dependency()
    {
        // Given the package's control fields
        var fields = Run("dpkg-deb", "-f", Deb, "Package", "Version", "Architecture", "Depends");

        // Then they name kvmtune at the repository's version for amd64, depending on no .NET package
        Assert.Contains("Package: kvmtune", fields, StringComparison.Ordinal);
        Assert.Contains($"Version: {Version}", fields, StringComparison.Ordinal);
        Assert.Contains("Architecture: amd64", fields, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet", fields, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Package_holds_the_program_its_docs_man_page_completion_and_data_directory_and_only_linux_x64_natives()
    {
        // Given the package's file list
        var files = Run("dpkg-deb", "-c", Deb).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length >= 6)
            .ToDictionary(p => p[5].TrimStart('.'), p => p[0]);

        // Then /usr/bin/kvmtune links to the single-file program, with the documentation around it
        Assert.StartsWith("l", files["/usr/bin/kvmtune"], StringComparison.Ordinal);
        Assert.Equal("-rwxr-xr-x", files["/usr/lib/kvmtune/kvmtune"]);
        Assert.Contains("/usr/share/man/man1/kvmtune.1.gz", files.Keys);
        Assert.Contains("/usr/share/bash-completion/completions/kvmtune", files.Keys);
        Assert.Contains("/usr/share/doc/kvmtune/README.md", files.Keys);
        Assert.Contains("/usr/share/doc/kvmtune/copyright", files.Keys);
        Assert.Contains("/usr/share/kvmtune/", files.Keys);
        // with the nova data nova patch and its verification read (the patches, the helper that drives nova), no bytecode
        Assert.Equal("-rw-r--r--", files["/usr/share/kvmtune/nova/nova_disks.py"]);
        Assert.Equal("-rw-r--r--", files["/usr/share/kvmtune/nova/patches/disk_io_modes-nova-26.patch"]);
        Assert.Equal("-rw-r--r--", files["/usr/share/kvmtune/nova/patches/disk_io_modes-master.patch"]);
        Assert.DoesNotContain(files.Keys, f => f.Contains("__pycache__", StringComparison.Ordinal) || f.EndsWith(".pyc", StringComparison.Ordinal));
        // and the managed code is inside the one file: no assembly and no other platform's native library
        Assert.DoesNotContain(files.Keys, f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".dylib", StringComparison.Ordinal));
        var natives = files.Keys.Where(f => f.EndsWith(".so", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        // SQLite's native library only: the report draws its charts as SVG itself
        Assert.Equal(["libe_sqlite3.so"], natives);
    }

    [Fact]
    public void Extracted_program_runs_without_dotnet_and_finds_its_data_directory_beside_it()
    {
        // Given the package extracted into a temporary root
        var root = Directory.CreateTempSubdirectory("kvmtune-deb-").FullName;
        try
        {
            Run("dpkg-deb", "-x", Deb, root);

            // When its program runs with no .NET on PATH and no DOTNET_ROOT
            var output = Run(Path.Combine(root, "usr", "lib", "kvmtune", "kvmtune"), "version", "--paths");

            // Then it prints the version and the package's share directory (PREFIX/lib/kvmtune → PREFIX/share/kvmtune)
            Assert.Contains($"kvmtune {Version}", output, StringComparison.Ordinal);
            Assert.Contains($"share: {Path.Combine(root, "usr", "share", "kvmtune")}", output, StringComparison.Ordinal);
            // and reads its data files from there: the nova patch it prints is the one the package holds
            var patch = Run(Path.Combine(root, "usr", "lib", "kvmtune", "kvmtune"), "nova", "patch", "--print", "--shape", "nova-26");
            Assert.Equal(File.ReadAllText(Path.Combine(root, "usr", "share", "kvmtune", "nova", "patches", "disk_io_modes-nova-26.patch")), patch);
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "share", "nova", "patches", "disk_io_modes-nova-26.patch")), patch);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Man_page_and_completion_list_every_visible_command()
    {
        // Given the man page and the completion script of the package
        var root = Directory.CreateTempSubdirectory("kvmtune-deb-").FullName;
        try
        {
            Run("dpkg-deb", "-x", Deb, root);
            var man = Run("zcat", Path.Combine(root, "usr/share/man/man1/kvmtune.1.gz"));
            var completion = File.ReadAllText(Path.Combine(root, "usr/share/bash-completion/completions/kvmtune"));

            // Then both know each command and its options, generated from --help
            foreach (var command in new[] { "lint", "explain", "inspect", "nova explain", "tune", "version" })
            {
                Assert.Contains($".SS \"kvmtune {command}\"", man, StringComparison.Ordinal);
                Assert.Contains($"\"{command}\")", completion, StringComparison.Ordinal);
            }
            Assert.Contains("--hosts", completion, StringComparison.Ordinal);
            Assert.DoesNotContain("selfbench", man, StringComparison.Ordinal);
            // and the completion is valid bash
            Run("bash", "-n", Path.Combine(root, "usr/share/bash-completion/completions/kvmtune"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("DOTNET_ROOT");
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}
