using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvmTune.Core.Qemu;

/// <summary>
/// The block-related part of a QEMU command line: <c>-blockdev</c> nodes, <c>-device</c> entries and legacy
/// <c>-drive</c> options. Read from libvirt's <c>.args</c> form (shell quoting, backslash-newline
/// continuations, leading environment assignments) or from <c>/proc/PID/cmdline</c> (NUL-separated).
/// </summary>
public sealed class QemuCommandLine
{
    private readonly Dictionary<string, BlockdevNode> _nodesByName;

    private QemuCommandLine(string? binary, IReadOnlyList<string> arguments, List<BlockdevNode> blockdevs, List<QemuDevice> devices, List<QemuDrive> drives)
    {
        Binary = binary;
        Arguments = arguments;
        Blockdevs = blockdevs;
        Devices = devices;
        Drives = drives;
        _nodesByName = new Dictionary<string, BlockdevNode>(StringComparer.Ordinal);
        foreach (var node in blockdevs.SelectMany(n => n.SelfAndInlineChildren()))
        {
            if (node.NodeName is { } name)
            {
                _nodesByName.TryAdd(name, node);
            }
        }
    }

    /// <summary>The emulator (<c>/usr/bin/qemu-system-x86_64</c>), or null for an empty command line.</summary>
    public string? Binary { get; }

    /// <summary>Every argument after the binary, unquoted.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The <c>-blockdev</c> nodes in command-line order (inline children are reachable through them).</summary>
    public IReadOnlyList<BlockdevNode> Blockdevs { get; }

    /// <summary>The <c>-device</c> entries in command-line order.</summary>
    public IReadOnlyList<QemuDevice> Devices { get; }

    /// <summary>The legacy <c>-drive</c> entries in command-line order.</summary>
    public IReadOnlyList<QemuDrive> Drives { get; }

    /// <summary>A node by its <c>node-name</c>, including inline children that name themselves.</summary>
    public BlockdevNode? Node(string nodeName) => _nodesByName.GetValueOrDefault(nodeName);

    /// <summary>Parses libvirt's <c>.args</c> text (a shell command line, possibly over many lines).</summary>
    public static QemuCommandLine ParseArgsText(string text, string? sourceName = null) =>
        Parse(ShellWords(text, sourceName), sourceName, skipEnvironment: true);

    /// <summary>Parses <c>/proc/PID/cmdline</c>: NUL-separated arguments, the binary first.</summary>
    public static QemuCommandLine ParseProcCmdline(ReadOnlySpan<byte> cmdline, string? sourceName = null)
    {
        var text = Encoding.UTF8.GetString(cmdline);
        var args = text.Split('\0');
        var count = args.Length;
        while (count > 0 && args[count - 1].Length == 0)
        {
            count--;
        }
        return Parse(args[..count], sourceName, skipEnvironment: false);
    }

    /// <summary>Parses an argv whose first element is the binary (environment assignments may precede it).</summary>
    public static QemuCommandLine Parse(IReadOnlyList<string> argv, string? sourceName = null, bool skipEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var i = 0;
        while (skipEnvironment && i < argv.Count && IsEnvironmentAssignment(argv[i]))
        {
            i++;
        }
        var binary = i < argv.Count ? argv[i++] : null;
        var arguments = argv.Skip(i).ToList();
        var blockdevs = new List<BlockdevNode>();
        var devices = new List<QemuDevice>();
        var drives = new List<QemuDrive>();
        for (var k = 0; k < arguments.Count; k++)
        {
            var option = arguments[k];
            if (!option.StartsWith('-'))
            {
                continue;
            }
            var name = option.TrimStart('-');
            if (name is not ("blockdev" or "device" or "drive"))
            {
                continue;
            }
            if (k + 1 >= arguments.Count)
            {
                throw new InputException($"{sourceName ?? "<command line>"}: {Input.InputText.Quote(option)} without a value");
            }
            var value = arguments[++k];
            var json = ParseOptionValue(value, name, sourceName);
            switch (name)
            {
                case "blockdev":
                    blockdevs.Add(new BlockdevNode(json, parent: null));
                    break;
                case "device":
                    devices.Add(new QemuDevice(json));
                    break;
                default:
                    drives.Add(new QemuDrive(json));
                    break;
            }
        }
        return new QemuCommandLine(binary, arguments, blockdevs, devices, drives);
    }

    /// <summary>
    /// The effective disk settings behind a device (by <c>id</c>: <c>virtio-disk0</c>, <c>ua-…</c>), a drive
    /// (legacy <c>-drive</c> id) or a node name. Null when nothing by that name exists.
    /// </summary>
    public QemuDiskSummary? Summarize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var device = Devices.FirstOrDefault(d => d.Id == name)
            ?? Devices.FirstOrDefault(d => d.Drive == name);
        var top = device?.Drive ?? name;
        var drive = Drives.FirstOrDefault(d => d.Id == top) ?? (device is null ? Drives.FirstOrDefault(d => d.File == name) : null);
        if (drive is not null)
        {
            return SummarizeDrive(device, drive);
        }
        var node = Node(top);
        if (node is null)
        {
            return device is null ? null : new QemuDiskSummary(device, null, [], false, false, WriteCache: device.WriteCache, Aio: null);
        }
        var chain = new List<BlockdevNode>();
        for (var current = node; current is not null && chain.Count < 64 && !chain.Contains(current); current = ChildOf(current))
        {
            chain.Add(current);
        }
        // O_DIRECT and aio are properties of the protocol node that opens the host file; a flush ignored by
        // any layer never reaches the disk. Inline children inherit the cache options of their parent.
        var protocol = chain[^1];
        var direct = protocol.EffectiveCacheDirect ?? false;
        var noFlush = chain.Any(n => n.EffectiveCacheNoFlush == true);
        return new QemuDiskSummary(device, null, chain, direct, noFlush, device?.WriteCache, protocol.Aio);
    }

    /// <summary>
    /// The disk whose protocol node (or legacy drive) opens <paramref name="path"/>; null when none or when several
    /// devices use that path (then the source does not identify one disk).
    /// </summary>
    public QemuDiskSummary? SummarizeBySource(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var matches = Devices.Where(d => d.Drive is not null)
            .Select(d => Summarize(d.Id ?? d.Drive!)!)
            .Where(s => s.ProtocolNode?.Filename == path || s.Drive?.File == path)
            .ToList();
        var deviceless = Drives.Where(d => d.File == path && (d.Id is null || Devices.All(dev => dev.Drive != d.Id)))
            .Select(d => SummarizeDrive(null, d)).ToList();
        matches.AddRange(deviceless);
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Summaries for every block device (<c>-device</c> with a <c>drive</c>) in order.</summary>
    public IReadOnlyList<QemuDiskSummary> SummarizeDevices() =>
        Devices.Where(d => d.Drive is not null).Select(d => Summarize(d.Id ?? d.Drive!)!).ToList();

    private BlockdevNode? ChildOf(BlockdevNode node)
    {
        // Filters (copy-on-read, throttle, …) and formats reach the data through "file"; a format's "backing"
        // is another image, not the layer below.
        return node.FileChild ?? (node.FileReference is { } name ? Node(name) : null);
    }

    private static QemuDiskSummary SummarizeDrive(QemuDevice? device, QemuDrive drive)
    {
        var semantics = drive.Cache is { } mode ? LegacyCache(mode) : (Direct: false, NoFlush: false, Writeback: true);
        var direct = drive.CacheDirect ?? semantics.Direct;
        var noFlush = drive.CacheNoFlush ?? semantics.NoFlush;
        // A device without write-cache= takes the drive's cache.writeback ("auto").
        var writeCache = device?.WriteCache ?? (drive.Cache is null ? null : semantics.Writeback ? "on" : "off");
        return new QemuDiskSummary(device, drive, [], direct, noFlush, writeCache, drive.Aio);
    }

    /// <summary>QEMU's legacy <c>cache=</c> shorthand (block/block-backend: bdrv_parse_cache_mode).</summary>
    private static (bool Direct, bool NoFlush, bool Writeback) LegacyCache(string mode) => mode switch
    {
        "none" or "off" => (true, false, true),
        "directsync" => (true, false, false),
        "writethrough" => (false, false, false),
        "unsafe" => (false, true, true),
        _ => (false, false, true),
    };

    private static bool IsEnvironmentAssignment(string word)
    {
        var eq = word.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 && !word.StartsWith('-') && !word.StartsWith('/') && word[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    private static JsonObject ParseOptionValue(string value, string option, string? sourceName)
    {
        if (value.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(value) as JsonObject ?? throw new InputException($"{sourceName ?? "<command line>"}: -{option} JSON is not an object: {Input.InputText.Quote(value)}");
            }
            catch (JsonException e)
            {
                throw new InputException($"{sourceName ?? "<command line>"}: -{option} has malformed JSON ({Input.InputText.Quote(e.Message, 200)}): {Input.InputText.Quote(value)}", e);
            }
        }
        return KeyValueOptions(value, option);
    }

    /// <summary>QEMU's <c>key=value,key2.sub=value</c> syntax (<c>,,</c> is a literal comma) as a JSON object of strings.</summary>
    internal static JsonObject KeyValueOptions(string value, string option)
    {
        var result = new JsonObject();
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == ',')
            {
                if (i + 1 < value.Length && value[i + 1] == ',')
                {
                    current.Append(',');
                    i++;
                    continue;
                }
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(value[i]);
        }
        parts.Add(current.ToString());
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            if (part.Length == 0)
            {
                continue;
            }
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            string key;
            string val;
            if (eq < 0)
            {
                // -device's first bare word is the driver; elsewhere a bare word is an implied "on".
                (key, val) = p == 0 && option == "device" ? ("driver", part) : (part, "on");
            }
            else
            {
                (key, val) = (part[..eq], part[(eq + 1)..]);
            }
            var target = result;
            var path = key.Split('.');
            for (var s = 0; s < path.Length - 1; s++)
            {
                if (target[path[s]] is not JsonObject child)
                {
                    child = [];
                    target[path[s]] = child;
                }
                target = child;
            }
            target[path[^1]] = val;
        }
        return result;
    }

    /// <summary>Splits shell text into words: quotes, backslash escapes and backslash-newline continuations.</summary>
    internal static List<string> ShellWords(string text, string? sourceName)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }
                    else if (i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n')
                    {
                        i += 2;
                    }
                    else if (i + 1 < text.Length)
                    {
                        word.Append(text[++i]);
                        inWord = true;
                    }
                    break;
                case '\'':
                    {
                        var end = text.IndexOf('\'', i + 1);
                        if (end < 0)
                        {
                            throw new InputException($"{sourceName ?? "<args>"}: unterminated single quote at offset {i}");
                        }
                        word.Append(text, i + 1, end - i - 1);
                        i = end;
                        inWord = true;
                        break;
                    }
                case '"':
                    {
                        var j = i + 1;
                        for (; j < text.Length && text[j] != '"'; j++)
                        {
                            if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\' or '$' or '`')
                            {
                                j++;
                            }
                            word.Append(text[j]);
                        }
                        if (j >= text.Length)
                        {
                            throw new InputException($"{sourceName ?? "<args>"}: unterminated double quote at offset {i}");
                        }
                        i = j;
                        inWord = true;
                        break;
                    }
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
