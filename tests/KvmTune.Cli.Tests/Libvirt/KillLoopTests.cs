using System.Diagnostics;
using System.Text.Json;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary>
/// The short form of <c>scripts/kill-loop.py</c>: the real kvmtune (the build beside the tests), the real libvirtd and a
/// copy of a real nova.conf; each operation SIGKILLed at a random moment and checked for anything lost. The full run
/// (100 tries) and its figures are in docs/reliability.md.
/// </summary>
public sealed class KillLoopTests
{
    private const int TriesPerOperation = 2;

    [Fact]
    public async Task A_short_sigkill_loop_over_apply_rollback_nova_set_and_two_concurrent_applies_loses_nothing()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            Path.Combine(RepoPaths.Root, "scripts", "kill-loop.py"), "--tries", $"{TriesPerOperation}", "--json",
            "--kvmtune", $"dotnet {Path.Combine(AppContext.BaseDirectory, "kvmtune.dll")}",
        })
        {
            start.ArgumentList.Add(a);
        }
        using var loop = Process.Start(start)!;
        var stdout = loop.StandardOutput.ReadToEndAsync();
        var stderr = loop.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            try
            {
                await loop.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                loop.Kill(entireProcessTree: true);
                Assert.Fail("kill-loop.py did not finish in 10 minutes");
            }
        }
        var output = await stdout;
        var report = $"exit {loop.ExitCode}\n{output}\n{await stderr}";
        Assert.True(loop.ExitCode is 0 or 1, report);

        using var figures = JsonDocument.Parse(output);
        var operations = figures.RootElement.GetProperty("operations");
        Assert.Equal(["apply", "rollback", "nova-set", "concurrent"], operations.EnumerateObject().Select(o => o.Name));
        foreach (var op in operations.EnumerateObject())
        {
            Assert.Equal(TriesPerOperation, op.Value.GetProperty("tries").GetInt32());
            Assert.Equal(TriesPerOperation, op.Value.GetProperty("kill_points").EnumerateObject().Sum(p => p.Value.GetInt32()));
            Assert.True(op.Value.GetProperty("violations").GetInt32() == 0, $"{op.Name}: {op.Value.GetProperty("messages")}\n{report}");
        }
        Assert.Equal(0, loop.ExitCode);
    }
}
