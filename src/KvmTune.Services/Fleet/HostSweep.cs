using KvmTune.Core;
using KvmTune.Core.Fleet;
using KvmTune.Host.Libvirt;

namespace KvmTune.Services.Fleet;

/// <summary>
/// Runs one piece of work per host, several hosts at a time (a remote connection spends most of its time waiting on
/// ssh), and keeps the hosts' order. A host that fails (<see cref="HostFailureException"/>, a libvirt error) becomes
/// an outcome with its reason and the others go on; bad input (<see cref="InputException"/>) stops everything.
/// </summary>
public static class HostSweep
{
    /// <summary>Hosts read at the same time.</summary>
    public const int Parallelism = 8;

    public static IReadOnlyList<HostOutcome<T>> Run<T>(IReadOnlyList<HostTarget> hosts, Func<HostTarget, T> work)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(work);
        var outcomes = new HostOutcome<T>[hosts.Count];
        Parallel.For(0, hosts.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, i =>
        {
            try
            {
                outcomes[i] = new HostOutcome<T>(hosts[i], work(hosts[i]), null);
            }
            catch (HostFailureException e)
            {
                outcomes[i] = new HostOutcome<T>(hosts[i], null, e.Message);
            }
            catch (LibvirtException e)
            {
                outcomes[i] = new HostOutcome<T>(hosts[i], null, $"{hosts[i].Uri}: {e.Message}");
            }
        });
        return outcomes;
    }

    /// <summary>
    /// Runs <paramref name="work"/> and unwraps the <see cref="AggregateException"/> of the parallel loop, so that bad
    /// input is reported as its one line (the first one found) and anything else keeps its own type.
    /// </summary>
    public static IReadOnlyList<HostOutcome<T>> RunOrThrowInput<T>(IReadOnlyList<HostTarget> hosts, Func<HostTarget, T> work)
        where T : class
    {
        try
        {
            return Run(hosts, work);
        }
        catch (AggregateException e)
        {
            var first = e.InnerExceptions.OfType<InputException>().FirstOrDefault() ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
    }
}
