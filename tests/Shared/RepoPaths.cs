namespace KvmTune.Tests.Shared;

/// <summary>Locates the repository and the shared libvirt corpus from a test's output directory.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>libvirt's disk test cases, in ../shared/corpus/libvirt beside the repository.</summary>
    public static string LibvirtCorpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus", "libvirt"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KvmTune.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("KvmTune.slnx not found above " + AppContext.BaseDirectory);
    }
}
