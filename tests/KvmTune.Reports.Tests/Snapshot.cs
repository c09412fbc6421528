namespace KvmTune.Reports.Tests;

/// <summary>
/// Compares text with a checked-in expected file under Fixtures/Snapshots. With KVMTUNE_ACCEPT_SNAPSHOTS=1 the
/// expected file in the source tree is rewritten instead (review the diff, then commit it).
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name)
    {
        var expectedPath = Path.Combine(RepoPaths.Root, "tests", "KvmTune.Reports.Tests", "Fixtures", "Snapshots", name);
        if (Environment.GetEnvironmentVariable("KVMTUNE_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }
        Assert.True(File.Exists(expectedPath), $"no snapshot {expectedPath}; run with KVMTUNE_ACCEPT_SNAPSHOTS=1 to create it");
        var expected = File.ReadAllText(expectedPath);
        if (expected == actual)
        {
            return;
        }
        var received = Path.Combine(Path.GetTempPath(), $"kvmtune-snapshot-{Environment.ProcessId}-{name}.received");
        File.WriteAllText(received, actual);
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"{name} differs from its snapshot at line {line + 1}:\n expected: {(line < e.Length ? e[line] : "<end>")}\n actual:   {(line < a.Length ? a[line] : "<end>")}\n" +
                    $"whole output in {received}; KVMTUNE_ACCEPT_SNAPSHOTS=1 accepts it");
    }
}
