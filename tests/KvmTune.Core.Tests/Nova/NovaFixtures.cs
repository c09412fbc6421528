namespace KvmTune.Core.Tests.Nova;

internal static class NovaFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "nova", name);

    public static string Read(string name) => File.ReadAllText(Path(name));
}
