using KvmTune.Fuzz.Targets;

namespace KvmTune.Core.Tests.Fuzz;

/// <summary>
/// Every case of the committed fuzz corpus (fuzz/corpus/TARGET, minimised from the afl++ campaigns of
/// scripts/fuzz.sh) goes through its target's property checks: no exception but a one-line InputException, unedited
/// input written back byte for byte, edits that parse again. A crash fixed once stays fixed.
/// </summary>
public class FuzzCorpusReplayTests
{
    public static TheoryData<string> Targets() => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_case_keeps_every_property_of_its_target(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var directory = Path.Combine(RepoPaths.Root, "fuzz", "corpus", name);
        var cases = Directory.GetFiles(directory);
        Assert.NotEmpty(cases);

        var failures = new List<string>();
        foreach (var file in cases)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_corpus_holds_the_crashes_the_campaigns_found()
    {
        // Inputs that once broke a property (kept by name in fuzz/corpus/TARGET/crash-*): replayed like the rest.
        var crashes = FuzzTargets.All.SelectMany(t => Directory.GetFiles(Path.Combine(RepoPaths.Root, "fuzz", "corpus", t.Name), "crash-*")).ToList();
        Assert.NotEmpty(crashes);
    }
}
