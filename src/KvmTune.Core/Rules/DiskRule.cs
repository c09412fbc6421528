using KvmTune.Core.Input;
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

    /// <summary>The longest message a finding carries: values quoted from the input are cut well before.</summary>
    public const int MaxMessageLength = 2_000;

    /// <summary>A finding at the rule's severity. The message is made one line (it may quote values from the input).</summary>
    protected Finding Fire(Disk disk, string message, string? fix = null) =>
        new(Code, Severity, disk.Label, InputText.Quote(message, MaxMessageLength), fix is null ? null : InputText.Quote(fix, MaxMessageLength));

    /// <summary>
    /// An info-level finding saying a host fact the rule needs is unknown (the rule does not guess).
    /// </summary>
    protected Finding Unknown(Disk disk, string message) =>
        new(Code, Severity.Info, disk.Label, InputText.Quote(message, MaxMessageLength));
}
