namespace KvmTune.Host.Tests;

/// <summary>Recorded real tool outputs under Fixtures/.</summary>
internal static class Fixture
{
    public static string Read(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", relative));
}
