namespace KvmTune.Host.Tests.Guest;

/// <summary>Recorded real outputs of the guest path (Fixtures/guest).</summary>
internal static class GuestFixtures
{
    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "guest");

    /// <summary>The virtio modules and modules.builtin of Debian's linux-image-6.1.0-56-amd64 (no modules.dep: as dpkg-deb -x leaves it).</summary>
    public static string Modules => System.IO.Path.Combine(Directory, "modules", "6.1.0-56-amd64");

    public static string Path(string name) => System.IO.Path.Combine(Directory, name);

    public static string Text(string name) => File.ReadAllText(Path(name));

    /// <summary>Copies the modules fixture to a temporary directory the test may change.</summary>
    public static DirectoryInfo CopyModules()
    {
        var target = System.IO.Directory.CreateTempSubdirectory("kvmtune-modules-");
        foreach (var file in System.IO.Directory.GetFiles(Modules, "*", SearchOption.AllDirectories))
        {
            var destination = System.IO.Path.Combine(target.FullName, System.IO.Path.GetRelativePath(Modules, file));
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }
}
