using KvmTune.Fuzz.Targets;

namespace KvmTune.Fuzz;

/// <summary>
/// <c>KvmTune.Fuzz TARGET</c> runs TARGET under afl++ (SharpFuzz's out-of-process loop; see scripts/fuzz.sh);
/// <c>KvmTune.Fuzz TARGET FILE…</c> runs the target once on each file and reports which break a property.
/// </summary>
internal static class Program
{
    /// <summary>Inputs longer than this are cut: afl++ keeps its cases far smaller, and the input limits are tested apart.</summary>
    private const int MaxInput = 1 << 20;

    public static int Main(string[] args)
    {
        var target = args.Length > 0 ? FuzzTargets.Find(args[0]) : null;
        if (target is null)
        {
            Console.Error.WriteLine($"usage: KvmTune.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
            return 2;
        }
        if (args.Length > 1)
        {
            return Replay(target, args[1..]);
        }
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            var buffer = new byte[MaxInput];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }
            target.Run(buffer.AsSpan(0, length));
        });
        return 0;
    }

    private static int Replay(IFuzzTarget target, string[] files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                Console.Out.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                Console.Out.WriteLine(e.StackTrace);
            }
        }
        Console.Error.WriteLine($"{target.Name}: {files.Length - failed} of {files.Length} inputs keep every property");
        return failed == 0 ? 0 : 1;
    }
}
