using KvmTune.Core.Input;
using KvmTune.Core.Qemu;

namespace KvmTune.Fuzz.Targets;

/// <summary>
/// QEMU command-line parser, both forms: the bytes as <c>/proc/PID/cmdline</c> (NUL-separated) and, when they are
/// UTF-8, as libvirt's <c>.args</c> shell text; every device and node is summarised.
/// </summary>
public sealed class QemuCommandLineTarget : IFuzzTarget
{
    private const string Source = "fuzz.args";

    public string Name => "qemu-cmdline";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var proc = Properties.Accepts(() => QemuCommandLine.ParseProcCmdline(bytes, Source));
        if (proc is not null)
        {
            Summarise(proc);
        }
        var text = Properties.Accepts(() => InputText.DecodeUtf8(bytes, Source));
        if (text is null)
        {
            return;
        }
        var args = Properties.Accepts(() => QemuCommandLine.ParseArgsText(text, Source));
        if (args is not null)
        {
            Summarise(args);
        }
    }

    private static void Summarise(QemuCommandLine commandLine)
    {
        var summaries = commandLine.SummarizeDevices();
        Properties.Holds(summaries.Count == commandLine.Devices.Count(d => d.Drive is not null), "every block device is summarised");
        foreach (var drive in commandLine.Drives)
        {
            if (drive.File is { } file)
            {
                _ = commandLine.SummarizeBySource(file);
            }
        }
        foreach (var node in commandLine.Blockdevs)
        {
            _ = node.NodeName is { } name ? commandLine.Summarize(name) : null;
            _ = (node.Driver, node.CacheDirect, node.CacheNoFlush, node.Aio, node.Discard, node.DetectZeroes, node.ReadOnly, node.Filename, node.BackingReference, node.IsFormat);
        }
    }
}
