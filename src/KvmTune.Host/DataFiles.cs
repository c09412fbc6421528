namespace KvmTune.Host;

/// <summary>
/// KvmTune's read-only data files (the nova patches, the Python helpers it runs), kept in the repository under
/// <c>share/</c> and installed with the binary. One lookup for all of them, in this order:
/// <list type="number">
/// <item><c>$KVMTUNE_SHARE_DIR</c>, when set;</item>
/// <item><c>share/</c> next to the binary (a build output, <c>dotnet publish</c>, a tarball);</item>
/// <item><c>../share/kvmtune/</c> from the binary's directory (a package with the binary in <c>/usr/lib/kvmtune</c>
/// or <c>/usr/bin</c> and the data in <c>/usr/share/kvmtune</c>);</item>
/// <item><c>/usr/share/kvmtune/</c>.</item>
/// </list>
/// </summary>
public static class DataFiles
{
    /// <summary>The environment variable that names the data directory first.</summary>
    public const string EnvironmentVariable = "KVMTUNE_SHARE_DIR";

    /// <summary>The directories searched, in order.</summary>
    public static IReadOnlyList<string> SearchPath
    {
        get
        {
            var list = new List<string>();
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
            {
                list.Add(env);
            }
            var bin = AppContext.BaseDirectory;
            list.Add(Path.Combine(bin, "share"));
            list.Add(Path.GetFullPath(Path.Combine(bin, "..", "share", "kvmtune")));
            list.Add("/usr/share/kvmtune");
            return list.Distinct(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The full path of a data file (<c>nova/nova_disks.py</c>); throws <see cref="FileNotFoundException"/> naming the places looked in.</summary>
    public static string Find(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var search = SearchPath;
        foreach (var dir in search)
        {
            var candidate = Path.Combine(dir, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"KvmTune's data file {relativePath} is missing (looked in {string.Join(", ", search)}); reinstall KvmTune or set {EnvironmentVariable}",
            relativePath);
    }

    /// <summary>The files of a data directory (<c>nova/patches</c>) matching a pattern, from the first directory that has it.</summary>
    public static IReadOnlyList<string> List(string relativeDirectory, string pattern)
    {
        var search = SearchPath;
        foreach (var dir in search)
        {
            var candidate = Path.Combine(dir, relativeDirectory);
            if (Directory.Exists(candidate))
            {
                return Directory.GetFiles(candidate, pattern).Order(StringComparer.Ordinal).ToList();
            }
        }
        throw new FileNotFoundException(
            $"KvmTune's data directory {relativeDirectory} is missing (looked in {string.Join(", ", search)}); reinstall KvmTune or set {EnvironmentVariable}",
            relativeDirectory);
    }
}
