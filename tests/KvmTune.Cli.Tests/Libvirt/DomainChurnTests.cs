using System.Runtime.CompilerServices;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Host.Libvirt;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary>
/// The commands that read every domain of a host, while domains are defined and undefined beside them (as nova does
/// on a busy compute host): a domain that disappears between the listing and its reading is left out, never an error.
/// </summary>
public sealed class DomainChurnTests : IDisposable
{
    private const string Uri = TestDomain.SystemUri;
    private const int Rounds = 12;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Defines and undefines small domains (no disks) in a loop until <paramref name="stop"/>, counting them.</summary>
    private static void Churn(StrongBox<int> count, CancellationToken stop)
    {
        using var conn = TestDomain.Connect();
        while (!stop.IsCancellationRequested)
        {
            var name = "kvmtune-test-churn-" + Guid.NewGuid().ToString("N");
            using (var dom = conn.DefineXml($"<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type></os></domain>"))
            {
                dom.Undefine();
            }
            Interlocked.Increment(ref count.Value);
        }
    }

    /// <summary>Runs the command at least <see cref="Rounds"/> times, and until as many domains came and went beside it.</summary>
    private static async Task<(List<CliRun> Runs, int Churned)> WhileChurning(string[] args)
    {
        using var stop = new CancellationTokenSource();
        var count = new StrongBox<int>(0);
        var churn = Task.Run(() => Churn(count, stop.Token));
        var runs = new List<CliRun>();
        try
        {
            while (Volatile.Read(ref count.Value) == 0 && !churn.IsCompleted)
            {
                await Task.Delay(5);
            }
            while (runs.Count < Rounds || (Volatile.Read(ref count.Value) < Rounds && !churn.IsCompleted))
            {
                runs.Add(await CliRun.RunAsync(args));
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
        await churn;
        return (runs, count.Value);
    }

    private static void AssertNoneFailedOnAGoneDomain(List<CliRun> runs, int churned, params int[] allowed)
    {
        Assert.True(churned >= Rounds, $"only {churned} domains defined and undefined during the runs");
        foreach (var run in runs)
        {
            Assert.DoesNotContain("no domain with matching", run.Error, StringComparison.Ordinal);
            Assert.True(allowed.Contains(run.ExitCode), $"exit {run.ExitCode}: {run.Error}");
        }
    }

    [Fact]
    public async Task Nova_pending_leaves_out_a_domain_undefined_while_it_reads()
    {
        var conf = _dir.Write("nova.conf", "[DEFAULT]\ninstances_path = /var/lib/nova/instances\n");
        var (runs, churned) = await WhileChurning(["nova", "pending", "--connect", Uri, "--conf", conf, "--patched", "no", "--format", "json"]);
        AssertNoneFailedOnAGoneDomain(runs, churned, 0, 1);
    }

    [Fact]
    public async Task Inspect_of_every_domain_leaves_out_a_domain_undefined_while_it_reads()
    {
        var (runs, churned) = await WhileChurning(["inspect", "--connect", Uri, "--format", "json"]);
        AssertNoneFailedOnAGoneDomain(runs, churned, 0, 1);
    }

    [Fact]
    public async Task Lint_of_every_domain_leaves_out_a_domain_undefined_while_it_reads()
    {
        var (runs, churned) = await WhileChurning(["lint", "--connect", Uri, "--all", "--format", "json"]);
        AssertNoneFailedOnAGoneDomain(runs, churned, 0, 1);
    }

    [Fact]
    public async Task An_apply_dry_run_over_every_domain_leaves_out_a_domain_undefined_while_it_plans()
    {
        var policy = _dir.Write("policy.json", """{"version":1,"disks":{"file":{"io":"threads"}}}""");
        var (runs, churned) = await WhileChurning(["apply", "--connect", Uri, "--policy", policy, "--all", "--format", "json"]);
        // 2 is a plan refused for another test's domain; 3 (a libvirt failure) must not happen
        AssertNoneFailedOnAGoneDomain(runs, churned, 0, 1, 2);
    }

    [Fact]
    public void A_listed_domain_undefined_before_it_is_asked_anything_is_dropped_and_the_others_are_kept()
    {
        using var kept = TestDomain.Define();
        var gone = TestDomain.Define();
        using var conn = LibvirtConnection.OpenReadOnly(Uri);
        var listed = conn.ListAllDomains();
        gone.Dispose();

        var present = LibvirtInput.WithoutGone(listed);
        try
        {
            Assert.Contains(present, d => d.Name == kept.Name);
            Assert.DoesNotContain(present, d => d.Name == gone.Name);
            Assert.Contains(listed, d => d.Name == gone.Name);
        }
        finally
        {
            foreach (var d in present)
            {
                d.Dispose();
            }
        }
    }
}
