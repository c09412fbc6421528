using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules;

/// <summary>Base of the catalog's rules: code, severity and texts, plus helpers to build findings.</summary>
public abstract class DiskRule : IRule
{
    public abstract string Code { get; }

    public abstract Severity Severity { get; }

    public abstract string Title { get; }

    public abstract string Rationale { get; }

    /// <summary>A safe fix in general terms (libvirt spelling), or null when no fix is always safe.</summary>
    public virtual string? Fix => null;

    public abstract IEnumerable<Finding> Check(Disk disk, HostFacts host);

    /// <summary>A finding at the rule's severity.</summary>
    protected Finding Fire(Disk disk, string message, string? fix = null) =>
        new(Code, Severity, disk.Label, message, fix);

    /// <summary>
    /// An info-level finding saying a host fact the rule needs is unknown (the rule does not guess).
    /// </summary>
    protected Finding Unknown(Disk disk, string message) =>
        new(Code, Severity.Info, disk.Label, message);
}
