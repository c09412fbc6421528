namespace KvmTune.Core.Input;

/// <summary>
/// How much of each kind of input KvmTune reads. Past a limit the input is refused with one line before it is
/// parsed, so a device (<c>/dev/zero</c>) or a runaway file costs bounded memory and time.
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// A domain XML file or standard input: 64 MiB. libvirt hands a domain's XML over one RPC message, at most
    /// 32 MiB (VIR_NET_MESSAGE_MAX); twice that leaves room for hand-written files, 100,000 disks included.
    /// </summary>
    public const long DomainXmlBytes = 64L << 20;

    /// <summary>
    /// Element nesting in domain XML: 1,000. libxml2, which libvirt parses with, stops at 256 levels by default;
    /// a real domain nests about ten deep, plus one level per <c>&lt;backingStore&gt;</c> layer.
    /// </summary>
    public const int XmlDepth = 1_000;

    /// <summary>A nova.conf (each file of a <c>--config-dir</c> too): 16 MiB; a generated sample with every option is about 500 KiB.</summary>
    public const long NovaConfBytes = 16L << 20;

    /// <summary>A source file of a nova tree <c>nova patch</c> reads: 16 MiB; nova's libvirt driver.py is about 600 KiB.</summary>
    public const long NovaSourceBytes = 16L << 20;

    /// <summary>A policy JSON file: 4 MiB; a policy is a few hundred bytes.</summary>
    public const long PolicyBytes = 4L << 20;

    /// <summary>JSON nesting in a policy: 32 levels (a policy nests 3).</summary>
    public const int JsonDepth = 32;

    /// <summary>A QEMU command line (<c>/proc/PID/cmdline</c> or libvirt's <c>.args</c>): 16 MiB, above Linux's ARG_MAX for an 8 MiB stack (2 MiB).</summary>
    public const long CommandLineBytes = 16L << 20;

    /// <summary>A backup file given to <c>rollback --to</c>: as a domain XML.</summary>
    public const long BackupBytes = DomainXmlBytes;

    /// <summary>A size for messages: <c>64 MiB</c>, <c>512 KiB</c>, <c>100 bytes</c>.</summary>
    public static string Describe(long bytes) =>
        bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1L << 10 && bytes % (1L << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";
}
