using KvmTune.Core.Apply;
using KvmTune.Core.Input;

namespace KvmTune.Fuzz.Targets;

/// <summary>Policy reader: a policy that parses writes JSON that parses to the same policy (the same JSON again).</summary>
public sealed class PolicyTarget : IFuzzTarget
{
    private const string Source = "fuzz.json";

    public string Name => "policy";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var text = Properties.Accepts(() => InputText.DecodeUtf8(bytes, Source));
        if (text is null)
        {
            return;
        }
        var policy = Properties.Accepts(() => TuningPolicy.Parse(text, Source));
        if (policy is null)
        {
            return;
        }
        var json = policy.ToJson();
        var again = Properties.Accepts(() => TuningPolicy.Parse(json, Source));
        Properties.Holds(again is not null, "a policy's own JSON parses");
        Properties.Holds(again!.ToJson() == json, "a policy round-trips through its JSON");
    }
}
