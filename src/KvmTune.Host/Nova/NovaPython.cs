using System.Globalization;
using System.Text.RegularExpressions;
using KvmTune.Core.Nova;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Nova;

/// <summary>A nova tool run that failed (Python, the oracle script, stestr): exit 3, with the tool's own words.</summary>
public sealed class NovaToolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How nova's own unit tests went (stestr's totals).</summary>
/// <param name="Ran">Tests run.</param>
/// <param name="Passed">Passed.</param>
/// <param name="Skipped">Skipped.</param>
/// <param name="Failed">Failed (or could not be imported).</param>
/// <param name="ExpectedFailures">Tests marked as expected to fail that did (nova's own markers).</param>
/// <param name="Seconds">Wall time of the whole stestr run, discovery included.</param>
/// <param name="FailedTests">The ids of the failed tests (at most 20).</param>
/// <param name="Filters">The test filters (regular expressions) given to stestr.</param>
public sealed record NovaUnitTestRun(int Ran, int Passed, int Skipped, int Failed, int ExpectedFailures, double Seconds, IReadOnlyList<string> FailedTests, IReadOnlyList<string> Filters)
{
    /// <summary>True when tests ran and none failed.</summary>
    public bool Succeeded => Ran > 0 && Failed == 0;
}

/// <summary>
/// Runs KvmTune's Python helpers and nova's unit tests against one nova tree with Debian's <c>/usr/bin/python3</c>
/// (<see cref="ToolRegistry"/>'s <c>python3</c>), <c>PYTHONPATH</c> set to the tree's root so that <c>import nova</c>
/// finds that tree first, and <c>PYTHONDONTWRITEBYTECODE=1</c> so that nothing is written into the tree.
/// </summary>
public static partial class NovaPython
{
    /// <summary>Debian's Python, the one python3-nova is installed for (for messages).</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The oracle script under share/.</summary>
    public const string OracleScript = "nova/nova_disks.py";

    /// <summary>
    /// Builds every case's disk with the real nova for each nova.conf (share/nova/nova_disks.py). <paramref name="directIo"/>:
    /// <c>true</c>/<c>false</c> answers nova's O_DIRECT probe, <c>probe</c> lets nova probe instances_path itself
    /// (it creates and deletes one file there).
    /// </summary>
    public static async Task<NovaOracleReport> BuildDisksAsync(string root, IReadOnlyList<string> confs, string directIo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confs);
        if (directIo is not ("true" or "false" or "probe"))
        {
            throw new ArgumentOutOfRangeException(nameof(directIo), directIo, "expected true, false or probe");
        }
        var script = ShareDirectory.Find(OracleScript);
        var args = new List<string> { script, "--direct-io", directIo };
        foreach (var conf in confs)
        {
            args.Add("--conf");
            args.Add(conf);
        }
        var result = await ToolRunner.RunAsync(Python(root, null, args), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new NovaToolException($"{OracleScript} (nova at {root}): {result.Message}");
        }
        var report = NovaOracleReport.Parse(result.StandardOutput, OracleScript);
        var imported = Path.GetFullPath(report.NovaFile);
        var expected = Path.GetFullPath(Path.Combine(root, "nova"));
        if (imported != expected)
        {
            throw new NovaToolException($"{OracleScript} imported nova from {imported}, not from {expected}");
        }
        return report;
    }

    /// <summary>
    /// Runs nova's unit tests under nova/tests/unit/virt/libvirt that match <paramref name="filters"/> with stestr,
    /// on the tree at <paramref name="root"/>. stestr's repository goes to a temporary directory, removed afterwards.
    /// </summary>
    public static async Task<NovaUnitTestRun> RunUnitTestsAsync(string root, IReadOnlyList<string> filters, int concurrency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var here = Directory.CreateTempSubdirectory("kvmtune-stestr-").FullName;
        try
        {
            var args = new List<string>
            {
                "-m", "stestr", "--test-path", Path.Combine(root, "nova", "tests", "unit", "virt", "libvirt"), "--top-dir", root,
                "run", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            };
            args.AddRange(filters);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await ToolRunner.RunAsync(Python(root, here, args), cancellationToken).ConfigureAwait(false);
            watch.Stop();
            var run = ParseStestr(result.StandardOutput + "\n" + result.StandardError, watch.Elapsed.TotalSeconds, filters);
            if (run.Ran == 0 && !result.Succeeded)
            {
                throw new NovaToolException($"stestr (nova at {root}): {StestrProblem(result)}");
            }
            return run;
        }
        finally
        {
            Directory.Delete(here, recursive: true);
        }
    }

    /// <summary>Parses stestr's closing totals ("Ran: N tests", "- Passed: N", …) and the ids of failed tests.</summary>
    public static NovaUnitTestRun ParseStestr(string output, double seconds, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(output);
        static int Count(Match m) => m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var failed = FailedLine().Matches(output).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var importErrors = ImportError().Count(output);
        return new NovaUnitTestRun(
            Count(RanLine().Match(output)),
            Count(PassedLine().Match(output)),
            Count(SkippedLine().Match(output)),
            Count(FailedCount().Match(output)) + importErrors,
            Count(ExpectedFailLine().Match(output)),
            Math.Round(seconds, 1),
            failed.Take(20).ToList(),
            filters);
    }

    private static string StestrProblem(ToolResult result)
    {
        var text = result.StandardOutput + "\n" + result.StandardError;
        if (text.Contains("No module named stestr", StringComparison.Ordinal))
        {
            return "stestr is not installed (apt-get install python3-stestr)";
        }
        var missing = MissingModule().Match(text);
        if (missing.Success)
        {
            return $"a module nova's tests need is missing: {missing.Groups[1].Value} (see docs/nova.md for the Debian packages)";
        }
        return result.Message;
    }

    private static ToolCommand Python(string root, string? workingDirectory, IEnumerable<string> arguments) =>
        ToolCommand.For("python3")
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironment("PYTHONPATH", root)
            .WithEnvironment("PYTHONDONTWRITEBYTECODE", "1")
            .WithEnvironment("OS_STDOUT_CAPTURE", "1")
            .WithEnvironment("OS_STDERR_CAPTURE", "1")
            .WithEnvironment("OS_LOG_CAPTURE", "1");

    [GeneratedRegex(@"^Ran: (\d+) tests?", RegexOptions.Multiline)]
    private static partial Regex RanLine();

    [GeneratedRegex(@"^ - Passed: (\d+)", RegexOptions.Multiline)]
    private static partial Regex PassedLine();

    [GeneratedRegex(@"^ - Skipped: (\d+)", RegexOptions.Multiline)]
    private static partial Regex SkippedLine();

    [GeneratedRegex(@"^ - Expected Fail: (\d+)", RegexOptions.Multiline)]
    private static partial Regex ExpectedFailLine();

    [GeneratedRegex(@"^ - Failed: (\d+)", RegexOptions.Multiline)]
    private static partial Regex FailedCount();

    [GeneratedRegex(@"^\{\d+\} (\S+) \[[^\]]*\] \.\.\. FAILED", RegexOptions.Multiline)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"^Failed to import test module: ", RegexOptions.Multiline)]
    private static partial Regex ImportError();

    [GeneratedRegex(@"ModuleNotFoundError: No module named '([^']+)'")]
    private static partial Regex MissingModule();
}
