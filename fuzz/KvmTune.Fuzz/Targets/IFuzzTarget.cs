namespace KvmTune.Fuzz.Targets;

/// <summary>
/// One fuzz target: a parser fed arbitrary bytes, with the properties every input must keep. A property that does
/// not hold throws <see cref="PropertyViolationException"/>; any exception other than a one-line
/// <see cref="Core.InputException"/> escapes too, and afl++ records the input as a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name used by <c>scripts/fuzz.sh</c> and as the corpus folder (<c>fuzz/corpus/NAME</c>).</summary>
    string Name { get; }

    /// <summary>Runs the parser and checks the properties.</summary>
    void Run(ReadOnlySpan<byte> input);
}

/// <summary>A property of a target that an input broke.</summary>
public sealed class PropertyViolationException(string message) : Exception(message);
