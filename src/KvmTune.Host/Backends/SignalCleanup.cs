using System.Runtime.InteropServices;

namespace KvmTune.Host.Backends;

/// <summary>
/// Removes what KvmTune created when the user presses Ctrl-C or the process gets SIGTERM. With a
/// <see cref="CancellationTokenSource"/>, the first signal cancels it and lets the command unwind (its
/// <c>using</c>s dispose the backends); a second signal, or a signal without one, cleans up at once and lets the
/// process end. Dispose the returned object to uninstall the handlers.
/// </summary>
public sealed class SignalCleanup : IDisposable
{
    private readonly CancellationTokenSource? _cancellation;
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;
    private int _signals;

    private SignalCleanup(CancellationTokenSource? cancellation)
    {
        _cancellation = cancellation;
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public static SignalCleanup Install(CancellationTokenSource? cancellation = null) => new(cancellation);

    /// <summary>Disposes every live backend and scratch factory of this process; used by the signal handlers.</summary>
    public static void CleanUpNow()
    {
        foreach (var backend in LiveBackends.Snapshot())
        {
            backend.Dispose();
        }
        foreach (var factory in LiveFactories.Snapshot())
        {
            factory.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) == 1 && _cancellation is { IsCancellationRequested: false })
        {
            // Let the command unwind through its own clean-up.
            context.Cancel = true;
            _cancellation.Cancel();
            return;
        }
        CleanUpNow();
        // context.Cancel stays false: the default action (terminate) follows.
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
