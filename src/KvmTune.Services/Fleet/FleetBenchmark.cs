using System.Diagnostics;
using System.Globalization;
using KvmTune.Core.Decisions;
using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Storage;

namespace KvmTune.Services.Fleet;

/// <summary>The size of a synthetic fleet store.</summary>
/// <param name="Hosts">Hosts, one completed run each.</param>
/// <param name="Candidates">Candidates per run.</param>
/// <param name="Profiles">Workload profiles per run.</param>
/// <param name="Repeats">Samples per candidate and profile.</param>
/// <param name="Groups">Storage fingerprints the hosts are spread over.</param>
public sealed record FleetBenchmarkSize(int Hosts, int Candidates, int Profiles, int Repeats, int Groups)
{
    public static FleetBenchmarkSize Default { get; } = new(1000, 48, 2, 10, 4);

    public long Samples => (long)Hosts * Candidates * Profiles * Repeats;
}

/// <summary>How long the import took and what it wrote.</summary>
public sealed record FleetBenchmarkImport(FleetBenchmarkSize Size, long Rows, double Seconds);

/// <summary>What one timed <c>fleet report</c> took.</summary>
/// <param name="Seconds">Wall time of reading the store and deciding every group.</param>
/// <param name="PeakRssBytes">The process's peak resident set (VmHWM) at the end.</param>
/// <param name="Hosts">Hosts in the report.</param>
/// <param name="Groups">Groups in the report.</param>
/// <param name="ReadSeconds">Of which reading the store.</param>
/// <param name="CpuSeconds">The process's CPU time (user + system) over the report: what the load does not stretch.</param>
public sealed record FleetBenchmarkTiming(double Seconds, long PeakRssBytes, int Hosts, int Groups, double ReadSeconds, double CpuSeconds);

/// <summary>
/// <c>kvmtune selfbench fleet</c>: a synthetic store of many hosts' runs written into PostgreSQL with binary COPY
/// (runs, host facts, every sample and each run's per-candidate results, as <c>tune</c> stores them), then
/// <c>fleet report</c> timed over it. Values are drawn from a fixed seed: each host a speed factor, each candidate a
/// speed per group, each repeat a multiplicative noise.
/// </summary>
public static class FleetBenchmark
{
    public static FleetBenchmarkImport Generate(string url, FleetBenchmarkSize size)
    {
        ArgumentNullException.ThrowIfNull(size);
        var clock = Stopwatch.StartNew();
        var random = new Random(20261202);
        var candidates = Candidates(size.Candidates);
        var profiles = WorkloadProfile.Presets.Take(size.Profiles).Select(p => p.Name).ToList();
        var started = DateTimeOffset.UtcNow.AddHours(-1);
        var groupSpeed = Enumerable.Range(0, size.Groups)
            .Select(_ => candidates.Select(_ => 20_000 * Math.Exp(random.NextDouble())).ToArray()).ToArray();
        var settings = SqlRunStore.EncodeSettings(new RunSettings
        {
            Engines = [Engine.Qemu],
            Candidates = candidates,
            Profiles = profiles,
            Seconds = 10,
            Repeats = [size.Repeats, size.Repeats],
        });
        using var store = new PostgresRunStore(url);
        store.Truncate();
        long rows = 0;
        var time = SqlRunStore.EncodeTime(started);
        store.Import("runs", ["id", "started", "finished", "command", "status", "settings_json"],
            Enumerable.Range(1, size.Hosts).Select(h => new object?[] { (long)h, time, time, "kvmtune selfbench fleet", "completed", settings }));
        rows += size.Hosts;
        store.Import("host_facts", ["run_id", "ordinal", "key", "value"], Enumerable.Range(1, size.Hosts).SelectMany(h =>
            Identity(h, size.Groups).ToFacts().Select((f, i) => new object?[] { (long)h, i, f.Key, f.Value })));
        rows += size.Hosts * 8L;
        // Each host's noise and speed factor, drawn once so that samples and results agree.
        var medians = new double[size.Hosts + 1][];
        long sampleId = 0;
        store.Import("samples",
            ["id", "run_id", "engine", "candidate_id", "profile", "repeat", "iops", "mbps", "started", "seconds", "raw_output", "per_second_json"],
            Enumerable.Range(1, size.Hosts).SelectMany(h =>
            {
                var factor = Math.Exp((random.NextDouble() - 0.5) * 0.4);
                var speeds = groupSpeed[(h - 1) % size.Groups];
                medians[h] = new double[candidates.Count * profiles.Count];
                return Enumerable.Range(0, candidates.Count * profiles.Count).SelectMany(u =>
                {
                    var values = Enumerable.Range(0, size.Repeats).Select(_ => speeds[u % candidates.Count] * factor * Math.Exp((random.NextDouble() - 0.5) * 0.1)).ToArray();
                    medians[h][u] = values.Order().ElementAt(values.Length / 2);
                    return values.Select((v, r) => new object?[]
                    {
                        ++sampleId, (long)h, "qemu", SubjectCodec.CandidateText(candidates[u % candidates.Count]), profiles[u / candidates.Count], r + 1,
                        v, v * 4096 / 1e6, time, 10.0, "", "[]",
                    });
                });
            }));
        rows += sampleId;
        store.Import("candidates", ["run_id", "engine", "candidate_id", "profile", "median_iops", "rankable", "result_json", "ordinal"],
            Enumerable.Range(1, size.Hosts).SelectMany(h => Enumerable.Range(0, candidates.Count * profiles.Count).Select(u =>
            {
                var m = medians[h][u];
                var result = new SubjectResult(Engine.Qemu, Subject.Of(candidates[u % candidates.Count]), profiles[u / candidates.Count],
                    new Statistic(m, m * 0.97, m * 1.03, 0.03, size.Repeats), new Statistic(m * 4096 / 1e6, m * 0.97 * 4096 / 1e6, m * 1.03 * 4096 / 1e6, 0.03, size.Repeats), null, null);
                return new object?[] { (long)h, "qemu", SubjectCodec.CandidateText(candidates[u % candidates.Count]), profiles[u / candidates.Count], m, 1, SqlRunStore.EncodeResult(result), u };
            })));
        rows += (long)size.Hosts * candidates.Count * profiles.Count;
        return new FleetBenchmarkImport(size, rows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Times one <c>fleet report</c> over the store, in this process; the peak RSS is this process's.</summary>
    public static FleetBenchmarkTiming Time(string url)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var request = new FleetReportRequest(url, TimeSpan.FromDays(30), AdvisorConstraints.Default, DateTimeOffset.UtcNow);
        IReadOnlyList<HostRun> runs;
        IReadOnlyList<StoredHostState> states;
        string location;
        using (var store = new PostgresRunStore(url))
        {
            runs = store.LatestRunPerHost();
            states = store.LatestHostStates();
            location = store.Location;
        }
        var read = clock.Elapsed.TotalSeconds;
        var report = FleetReportService.Build(location, runs, states, request);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new FleetBenchmarkTiming(seconds, PeakRss(), report.Groups.Sum(g => g.Hosts.Count), report.Groups.Count, read, cpuSeconds);
    }

    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static HostIdentity Identity(int host, int groups) => new(
        $"compute-{host:D4}",
        $"{host:x32}",
        new StorageFingerprint($"SYNTH DISK {(host - 1) % groups}", (host - 1) % groups == 0 ? "yes" : "no", "ext4", "6.1.0-40-amd64", "7.2.22", "9.0.0"));

    private static List<Candidate> Candidates(int count)
    {
        var all = Backends.All.SelectMany(b => CacheModes.All.SelectMany(c => IoModes.All.Select(io => new Candidate(b, c, io))))
            .Where(c => c.CannotStartCode is null)
            .ToList();
        return count <= all.Count
            ? all[..count]
            : throw new Core.InputException($"--candidates {count}: at most {all.Count} distinct candidates can start");
    }
}
