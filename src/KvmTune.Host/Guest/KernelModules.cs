using System.Buffers.Binary;
using System.Text;

namespace KvmTune.Host.Guest;

/// <summary>
/// The modules of one kernel (a <c>/lib/modules/RELEASE</c> tree): where each module file is, which are
/// built in, and in which order a set of modules must be loaded. Dependencies come from <c>modules.dep</c>
/// when depmod has run, else from each module's own <c>.modinfo</c> section (<c>depends=</c>), which is
/// what depmod reads too; a kernel package extracted with <c>dpkg-deb -x</c> has no modules.dep.
/// </summary>
public sealed class KernelModules
{
    private readonly Dictionary<string, string> _files;
    private readonly Dictionary<string, IReadOnlyList<string>> _dependencies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>>? _moduleDep;

    private KernelModules(string directory, Dictionary<string, string> files, HashSet<string> builtIn, Dictionary<string, IReadOnlyList<string>>? moduleDep)
    {
        Directory = directory;
        _files = files;
        BuiltIn = builtIn;
        _moduleDep = moduleDep;
    }

    /// <summary>The modules directory (<c>/lib/modules/6.1.0-56-amd64</c>).</summary>
    public string Directory { get; }

    /// <summary>Names of the modules compiled into the kernel (from <c>modules.builtin</c>).</summary>
    public IReadOnlySet<string> BuiltIn { get; }

    /// <summary>Indexes a modules directory.</summary>
    public static KernelModules Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"kernel modules directory '{directory}' does not exist");
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.ko*", SearchOption.AllDirectories))
        {
            var name = ModuleName(file);
            if (name is not null)
            {
                files.TryAdd(name, file);
            }
        }
        var builtIn = new HashSet<string>(StringComparer.Ordinal);
        var builtinFile = Path.Combine(directory, "modules.builtin");
        if (File.Exists(builtinFile))
        {
            foreach (var line in File.ReadLines(builtinFile))
            {
                var name = ModuleName(line.Trim());
                if (name is not null)
                {
                    builtIn.Add(name);
                }
            }
        }
        Dictionary<string, IReadOnlyList<string>>? moduleDep = null;
        var depFile = Path.Combine(directory, "modules.dep");
        if (File.Exists(depFile))
        {
            moduleDep = new(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(depFile))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }
                var name = ModuleName(line[..colon]);
                if (name is null)
                {
                    continue;
                }
                // modules.dep lists every transitive dependency, the deepest last; the resolver only needs them all.
                moduleDep[name] = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(ModuleName).OfType<string>().ToList();
                var path = Path.Combine(directory, line[..colon]);
                if (File.Exists(path))
                {
                    files[name] = path;
                }
            }
        }
        return new KernelModules(directory, files, builtIn, moduleDep);
    }

    /// <summary>The module file of <paramref name="name"/>, or null when the kernel has no such module file.</summary>
    public string? FileOf(string name) => _files.GetValueOrDefault(Normalize(name));

    /// <summary>
    /// The module files to load, dependencies first, for <paramref name="wanted"/> and everything they depend on.
    /// Built-in modules need no file and are left out; a module that is neither built in nor present is reported
    /// in <paramref name="missing"/>.
    /// </summary>
    public IReadOnlyList<string> LoadOrder(IEnumerable<string> wanted, out IReadOnlyList<string> missing)
    {
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var absent = new List<string>();

        void Visit(string name)
        {
            if (done.Contains(name) || BuiltIn.Contains(name))
            {
                return;
            }
            if (!visiting.Add(name))
            {
                throw new InvalidOperationException($"kernel module dependency cycle through '{name}' in {Directory}");
            }
            if (FileOf(name) is null)
            {
                absent.Add(name);
            }
            else
            {
                foreach (var dependency in DependenciesOf(name))
                {
                    Visit(dependency);
                }
                order.Add(name);
            }
            visiting.Remove(name);
            done.Add(name);
        }

        foreach (var name in wanted)
        {
            Visit(Normalize(name));
        }
        missing = absent;
        return order;
    }

    /// <summary>Direct (modinfo) or all (modules.dep) dependencies of a module present as a file.</summary>
    public IReadOnlyList<string> DependenciesOf(string name)
    {
        name = Normalize(name);
        if (_moduleDep is not null && _moduleDep.TryGetValue(name, out var fromDep))
        {
            return fromDep;
        }
        if (_dependencies.TryGetValue(name, out var cached))
        {
            return cached;
        }
        var file = FileOf(name) ?? throw new InvalidOperationException($"kernel module '{name}' not found in {Directory}");
        var depends = ModInfo(ReadModule(file)).GetValueOrDefault("depends", "");
        var list = depends.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Normalize).ToList();
        _dependencies[name] = list;
        return list;
    }

    /// <summary>A module's bytes, decompressed when the file is <c>.ko.gz</c>, <c>.ko.xz</c> or <c>.ko.zst</c>.</summary>
    public static byte[] ReadModule(string file)
    {
        if (file.EndsWith(".ko", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(file);
        }
        if (file.EndsWith(".ko.gz", StringComparison.Ordinal))
        {
            using var input = File.OpenRead(file);
            using var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        // .NET has no xz or zstd decoder; the xz-utils and zstd tools of the host do it.
        var tool = file.EndsWith(".ko.xz", StringComparison.Ordinal) ? "xz"
            : file.EndsWith(".ko.zst", StringComparison.Ordinal) ? "zstd"
            : throw new InvalidOperationException($"unknown kernel module compression: {file}");
        return GuestTools.Decompress(tool, file);
    }

    /// <summary>The key=value strings of an ELF module's <c>.modinfo</c> section (the first value of each key).</summary>
    public static IReadOnlyDictionary<string, string> ModInfo(byte[] elf)
    {
        var section = FindSection(elf, ".modinfo");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (section.IsEmpty)
        {
            return result;
        }
        foreach (var entry in Encoding.UTF8.GetString(section).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result.TryAdd(entry[..eq], entry[(eq + 1)..]);
            }
        }
        return result;
    }

    /// <summary>Module name of a path or name: <c>kernel/drivers/block/virtio_blk.ko.xz</c> → <c>virtio_blk</c>.</summary>
    public static string? ModuleName(string path)
    {
        var file = Path.GetFileName(path);
        var ko = file.IndexOf(".ko", StringComparison.Ordinal);
        if (ko <= 0)
        {
            return null;
        }
        var rest = file[(ko + 3)..];
        return rest is "" or ".gz" or ".xz" or ".zst" ? Normalize(file[..ko]) : null;
    }

    // The kernel treats '-' and '_' in module names as the same character.
    private static string Normalize(string name) => name.Replace('-', '_');

    private static ReadOnlySpan<byte> FindSection(byte[] elf, string wanted)
    {
        // ELF64 little-endian only: the modules of an x86_64 kernel.
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF kernel module");
        }
        var span = elf.AsSpan();
        var shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        int shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3E..]);
        if (shoff <= 0 || shoff + ((long)shnum * shentsize) > elf.Length || shstrndx >= shnum)
        {
            throw new InvalidDataException("truncated ELF section table");
        }
        (long Offset, long Size, int Name) Header(int index)
        {
            var h = elf.AsSpan((int)(shoff + ((long)index * shentsize)));
            return ((long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x18..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x20..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(h));
        }
        var names = Header(shstrndx);
        for (var i = 0; i < shnum; i++)
        {
            var header = Header(i);
            var nameStart = (int)names.Offset + header.Name;
            var nameEnd = span[nameStart..].IndexOf((byte)0);
            if (nameEnd < 0)
            {
                continue;
            }
            if (Encoding.ASCII.GetString(span.Slice(nameStart, nameEnd)) == wanted)
            {
                return header.Offset + header.Size > elf.Length ? throw new InvalidDataException($"truncated ELF section {wanted}") : span.Slice((int)header.Offset, (int)header.Size);
            }
        }
        return [];
    }
}
