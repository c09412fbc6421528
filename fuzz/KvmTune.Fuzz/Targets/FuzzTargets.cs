namespace KvmTune.Fuzz.Targets;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
        [new DomainXmlTarget(), new NovaConfTarget(), new QemuCommandLineTarget(), new PolicyTarget()];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
