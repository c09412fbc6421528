using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules;

/// <summary>One rule of the KT catalog: a stable code, a severity, a rationale and a check.</summary>
public interface IRule
{
    /// <summary>Stable code, never reused (<c>KT001</c>).</summary>
    string Code { get; }

    Severity Severity { get; }

    /// <summary>A one-line title.</summary>
    string Title { get; }

    /// <summary>Why the rule exists, with its source (libvirt/QEMU/nova behaviour).</summary>
    string Rationale { get; }

    /// <summary>Findings for one disk of a domain.</summary>
    IEnumerable<Finding> Check(Disk disk, HostFacts host);
}
