using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.SelfBench;

/// <summary>
/// <c>kvmtune selfbench lint</c> (hidden): KvmTune's own lint speed. Builds N domain XMLs from libvirt's disk
/// test cases, parses and lints them on one thread pinned to one core, and reports domains per second of that
/// thread's CPU time (median of several runs; also of wall time), the share of parsing, and the working set after
/// 1,000 domains and at the end.
/// </summary>
internal sealed class SelfBenchLintCommand(CliOutput output) : Command<SelfBenchLintCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--corpus <DIR>")]
        [Description("Directory of domain XMLs to build from (default: ../shared/corpus/libvirt beside the repository).")]
        public string? Corpus { get; init; }

        [CommandOption("--count <N>")]
        [Description("Domains per run (default 10000).")]
        [DefaultValue(10_000)]
        public int Count { get; init; } = 10_000;

        [CommandOption("--runs <N>")]
        [Description("Measured runs; the median is reported (default 5).")]
        [DefaultValue(5)]
        public int Runs { get; init; } = 5;

        [CommandOption("--emit <DIR>")]
        [Description("Write the domains as DIR/domain-NNNNN.xml instead of measuring (to time `kvmtune lint DIR` end to end). DIR must not exist.")]
        public string? Emit { get; init; }

        [CommandOption("--scale")]
        [Description("Measure how lint grows with its input instead: one domain with 1,000, 10,000 and 100,000 disks, then 10,000 domains; time and peak memory per size.")]
        public bool Scale { get; init; }

        [CommandOption("--no-pin")]
        [Description("Do not pin the process to one CPU (for tests sharing the process).")]
        public bool NoPin { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate() =>
            Count < 1 ? ValidationResult.Error("--count must be at least 1")
            : Runs < 1 ? ValidationResult.Error("--runs must be at least 1")
            : Format is not ("table" or "json") ? ValidationResult.Error($"--format '{Format}' is not one of table, json")
            : ValidationResult.Success();
    }

    /// <summary>One measured run.</summary>
    internal sealed record RunResult(int Domains, int Findings, double WallSeconds, double CpuSeconds, double ParseSeconds, double RuleSeconds, long WorkingSetAt1k, long WorkingSetAtEnd)
    {
        /// <summary>Domains per second of the thread's own CPU time: the speed of one core, whatever the host's load.</summary>
        public double DomainsPerSecond => Domains / CpuSeconds;

        /// <summary>Domains per second of elapsed time (lower than <see cref="DomainsPerSecond"/> when the core is shared).</summary>
        public double WallDomainsPerSecond => Domains / WallSeconds;

        /// <summary>Share of the measured wall time spent in DomainDocument.Parse.</summary>
        public double ParseShare => ParseSeconds / (ParseSeconds + RuleSeconds);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var corpus = settings.Corpus ?? DefaultCorpus()
            ?? throw new InputException("no corpus: pass --corpus DIR (libvirt domain XMLs)");
        if (!Directory.Exists(corpus))
        {
            throw new InputException($"{corpus}: no such directory");
        }
        var variations = CorpusVariations.Load(corpus);
        if (settings.Emit is { } emit)
        {
            return EmitFiles(variations, settings.Count, emit);
        }
        using var process = Process.GetCurrentProcess();
        var affinity = process.ProcessorAffinity;
        var pinnedCpu = settings.NoPin ? null : PinToOneCore();
        try
        {
            if (settings.Scale)
            {
                return MeasureScale(settings, variations, pinnedCpu, cancellationToken);
            }
            return Measure(settings, variations, pinnedCpu, cancellationToken);
        }
        finally
        {
            if (pinnedCpu is not null)
            {
                process.ProcessorAffinity = affinity;
            }
        }
    }

    private int MeasureScale(Settings settings, CorpusVariations variations, int? pinnedCpu, CancellationToken cancellationToken)
    {
        var results = LintScaleBenchmark.Run(variations.Cases, variations,
            r => output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint --scale: {r.Workload}: {r.WallSeconds:F2} s, {r.MicrosecondsPerDisk:F1} µs per disk, peak RSS {Mib(r.PeakRssBytes)}")),
            cancellationToken);
        if (settings.Format == "json")
        {
            output.Out.WriteLine(Core.Serialization.JsonConvention.Serialize(new { benchmark = "lint_scale", pinned_cpu = pinnedCpu, sizes = results }));
            return ExitCodes.Ok;
        }
        var console = output.Console;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]selfbench lint --scale[/]: parse + lint on one thread{(pinnedCpu is { } c ? $" pinned to CPU {c}" : ", not pinned")}; linear cost shows as a flat CPU time per disk"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("workload").AddColumn("disks").AddColumn("input").AddColumn("wall s").AddColumn("CPU s")
            .AddColumn("µs per disk (CPU)").AddColumn("peak RSS").AddColumn("findings");
        foreach (var r in results)
        {
            table.AddRow(r.Workload, r.Disks.ToString("N0", CultureInfo.InvariantCulture), Mib(r.InputBytes),
                r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture), r.CpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.MicrosecondsPerDisk.ToString("F1", CultureInfo.InvariantCulture), Mib(r.PeakRssBytes), r.Findings.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        return ExitCodes.Ok;
    }

    private int Measure(Settings settings, CorpusVariations variations, int? pinnedCpu, CancellationToken cancellationToken)
    {

        // Warm-up, one full run: JIT tiering and first-use costs are not lint speed.
        Run(variations, settings.Count, cancellationToken);
        var runs = new List<RunResult>();
        for (var r = 0; r < settings.Runs; r++)
        {
            runs.Add(Run(variations, settings.Count, cancellationToken));
            output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint: run {r + 1}/{settings.Runs}: {runs[^1].DomainsPerSecond:F0} domains/s of CPU time, {runs[^1].WallDomainsPerSecond:F0} of wall time"));
        }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var peak = process.PeakWorkingSet64;
        var ordered = runs.OrderBy(r => r.DomainsPerSecond).ToList();
        var median = ordered[ordered.Count / 2];

        if (settings.Format == "json")
        {
            WriteJson(settings, variations, pinnedCpu, runs, median, peak);
        }
        else
        {
            WriteTable(settings, variations, pinnedCpu, runs, median, peak);
        }
        return ExitCodes.Ok;
    }

    private static RunResult Run(CorpusVariations variations, int count, CancellationToken cancellationToken)
    {
        // Texts are built in batches outside the measured time; only parse + lint is measured.
        const int Batch = 1_000;
        var texts = new string[Math.Min(Batch, count)];
        long parseTicks = 0, ruleTicks = 0, cpuNanoseconds = 0;
        var findings = 0;
        long at1k = 0;
        using var process = Process.GetCurrentProcess();
        var wall = new Stopwatch();
        var timer = new Stopwatch();
        for (var start = 0; start < count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(Batch, count - start);
            for (var j = 0; j < n; j++)
            {
                texts[j] = variations.Build(start + j);
            }
            var cpuStart = ThreadCpuClock.NowNanoseconds();
            wall.Start();
            for (var j = 0; j < n; j++)
            {
                const string Label = "bench.xml";
                timer.Restart();
                var document = DomainDocument.Parse(texts[j], Label);
                var parsed = timer.ElapsedTicks;
                var result = DomainLinter.Lint(new DomainInput(Label, document, Label), HostFacts.Unknown);
                var linted = timer.ElapsedTicks;
                parseTicks += parsed;
                ruleTicks += linted - parsed;
                findings += result.Findings.Count;
            }
            wall.Stop();
            cpuNanoseconds += ThreadCpuClock.NowNanoseconds() - cpuStart;
            if (start + n == Batch)
            {
                process.Refresh();
                at1k = process.WorkingSet64;
            }
        }
        process.Refresh();
        return new RunResult(count, findings, wall.Elapsed.TotalSeconds, cpuNanoseconds / 1e9,
            (double)parseTicks / Stopwatch.Frequency, (double)ruleTicks / Stopwatch.Frequency, at1k, process.WorkingSet64);
    }

    private int EmitFiles(CorpusVariations variations, int count, string directory)
    {
        // A new directory only: never overwrite files that may be someone's.
        if (Directory.Exists(directory) || File.Exists(directory))
        {
            throw new InputException($"{directory}: already exists; --emit writes into a new directory");
        }
        Directory.CreateDirectory(directory);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"domain-{i:D5}.xml")), variations.Build(i));
        }
        output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint: wrote {count} domains to {directory}"));
        return ExitCodes.Ok;
    }

    // One core: the benchmark thread and the runtime's helper threads (GC) share the lowest CPU this process may use.
    private static int? PinToOneCore()
    {
        using var process = Process.GetCurrentProcess();
        var mask = (long)process.ProcessorAffinity;
        for (var cpu = 0; cpu < 64; cpu++)
        {
            if ((mask & (1L << cpu)) != 0)
            {
                process.ProcessorAffinity = checked((nint)(1L << cpu));
                return cpu;
            }
        }
        return null;
    }

    private static string? DefaultCorpus()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "KvmTune.slnx")))
                {
                    var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "libvirt"));
                    return Directory.Exists(corpus) ? corpus : null;
                }
            }
        }
        return null;
    }

    private void WriteTable(Settings settings, CorpusVariations variations, int? cpu, List<RunResult> runs, RunResult median, long peak)
    {
        var console = output.Console;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]selfbench lint[/]: {settings.Count:N0} domains built from {variations.CaseCount} corpus cases, {settings.Runs} run(s), one thread{(cpu is { } c ? $" pinned to CPU {c}" : ", not pinned")}"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Run").AddColumn("domains/s (CPU)").AddColumn("domains/s (wall)").AddColumn("parse share")
            .AddColumn("findings").AddColumn("working set @1k").AddColumn("working set @end");
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                r.DomainsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.WallDomainsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.ParseShare.ToString("P0", CultureInfo.InvariantCulture),
                r.Findings.ToString(CultureInfo.InvariantCulture),
                Mib(r.WorkingSetAt1k),
                Mib(r.WorkingSetAtEnd));
        }
        console.Write(table);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"median [bold]{median.DomainsPerSecond:F0} domains/s[/] of one core's CPU time (target >= 5,000), {median.WallDomainsPerSecond:F0} of wall time; peak working set {Mib(peak)}"));
    }

    private void WriteJson(Settings settings, CorpusVariations variations, int? cpu, List<RunResult> runs, RunResult median, long peak)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("benchmark", "lint");
            json.WriteNumber("domains", settings.Count);
            json.WriteNumber("corpusCases", variations.CaseCount);
            if (cpu is { } c)
            {
                json.WriteNumber("pinnedCpu", c);
            }
            json.WriteNumber("medianDomainsPerSecond", Math.Round(median.DomainsPerSecond, 1));
            json.WriteNumber("medianWallDomainsPerSecond", Math.Round(median.WallDomainsPerSecond, 1));
            json.WriteNumber("peakWorkingSetBytes", peak);
            json.WriteStartArray("runs");
            foreach (var r in runs)
            {
                json.WriteStartObject();
                json.WriteNumber("domainsPerSecond", Math.Round(r.DomainsPerSecond, 1));
                json.WriteNumber("wallDomainsPerSecond", Math.Round(r.WallDomainsPerSecond, 1));
                json.WriteNumber("cpuSeconds", Math.Round(r.CpuSeconds, 4));
                json.WriteNumber("parseShare", Math.Round(r.ParseShare, 3));
                json.WriteNumber("findings", r.Findings);
                json.WriteNumber("workingSetAt1kBytes", r.WorkingSetAt1k);
                json.WriteNumber("workingSetAtEndBytes", r.WorkingSetAtEnd);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
