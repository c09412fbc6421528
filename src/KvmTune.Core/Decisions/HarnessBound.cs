namespace KvmTune.Core.Decisions;

/// <summary>
/// When a measurement says more about the harness than about the storage: the qemu engine (<c>qemu-img bench</c>)
/// measures its own ceiling on QEMU's null-co driver in every run, and a candidate within
/// <see cref="Fraction"/> of it is limited by the harness, not by the candidate's cache/aio/backend. Such a candidate is
/// never ranked and never races; the runner marks it (<see cref="Measurement.SubjectResult.HarnessBound"/>) and the
/// advisor sets it aside.
/// </summary>
public static class HarnessBound
{
    /// <summary>A candidate at or above this share of the null-co ceiling is harness-bound (within 20% of it).</summary>
    public const double Fraction = 0.8;

    /// <summary>True when a median is harness-bound against the ceiling's median (no ceiling measured: never).</summary>
    public static bool Applies(double median, double ceilingMedian) =>
        ceilingMedian > 0 && median >= Fraction * ceilingMedian;
}
