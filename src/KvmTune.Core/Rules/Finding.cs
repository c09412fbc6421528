namespace KvmTune.Core.Rules;

/// <summary>How serious a finding is.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>One rule's conclusion about one disk (or the domain when <see cref="Disk"/> is null).</summary>
/// <param name="Code">Stable rule code (<c>KT001</c>).</param>
/// <param name="Severity">The rule's severity.</param>
/// <param name="Disk">Target dev of the disk (<c>vda</c>), or null for a domain-level finding.</param>
/// <param name="Message">One line in libvirt's own spelling (<c>cache='none'</c>).</param>
/// <param name="Fix">A safe fix, described, or null when none is safe.</param>
public sealed record Finding(string Code, Severity Severity, string? Disk, string Message, string? Fix = null)
{
    /// <summary>Lower-case severity as used in JSON and SARIF (<c>error</c>, <c>warning</c>, <c>info</c>).</summary>
    public string SeverityText => Severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
