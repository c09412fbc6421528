using KvmTune.Core;

namespace KvmTune.Host.Processes;

/// <summary>
/// The programs KvmTune runs — a fixed list — with the Debian package of each and where to find them: the
/// directories of <c>PATH</c> (absolute ones only), then the sbin and bin directories a non-login root shell may
/// lack; a program with a fixed path (<c>python3</c>: Debian's <c>/usr/bin/python3</c>) only there. No environment
/// variable or option adds a program to the list or names another binary to run instead.
/// </summary>
public sealed class ToolRegistry
{
    private static readonly Dictionary<string, string> KnownPackages = new(StringComparer.Ordinal)
    {
        ["apt-cache"] = "apt",
        ["apt-get"] = "apt",
        ["blkid"] = "util-linux",
        ["busybox"] = "busybox-static",
        ["dpkg-deb"] = "dpkg",
        ["dpkg-query"] = "dpkg",
        ["fio"] = "fio",
        ["ldd"] = "libc-bin",
        ["libvirtd"] = "libvirt-daemon",
        ["losetup"] = "mount",
        ["lvcreate"] = "lvm2",
        ["lvm"] = "lvm2",
        ["lvremove"] = "lvm2",
        ["lvs"] = "lvm2",
        // Debian's Python, the one python3-nova is installed for (nova patch, its verification, nova's unit tests).
        ["python3"] = "python3-minimal",
        ["qemu-img"] = "qemu-utils",
        ["qemu-io"] = "qemu-utils",
        ["qemu-storage-daemon"] = "qemu-system-common",
        ["qemu-system-x86_64"] = "qemu-system-x86",
        // The trampoline that puts a process into a cgroup before it execs the tool (ToolCommand.WithCgroup).
        ["sh"] = "dash",
        ["vgs"] = "lvm2",
        ["virsh"] = "libvirt-clients",
        ["wipefs"] = "util-linux",
        ["xz"] = "xz-utils",
        ["zstd"] = "zstd",
    };

    // Programs found at one path only: another python3 earlier on PATH (pyenv, a venv, /usr/local) has no python3-nova.
    private static readonly Dictionary<string, string> FixedPaths = new(StringComparer.Ordinal)
    {
        ["python3"] = "/usr/bin/python3",
    };

    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private readonly IReadOnlyList<string>? _directories;

    private ToolRegistry(IReadOnlyList<string>? directories) => _directories = directories;

    /// <summary>The registry every command uses: PATH, then the system directories.</summary>
    public static ToolRegistry Default { get; } = new(null);

    /// <summary>
    /// A registry that looks for the listed programs only in <paramref name="directories"/>: how tests run a fake
    /// <c>lvm</c> or find nothing. The list of programs stays the same.
    /// </summary>
    public static ToolRegistry SearchingOnly(params string[] directories) => new(directories);

    /// <summary>Program → Debian package, for every program KvmTune runs.</summary>
    public static IReadOnlyDictionary<string, string> Packages => KnownPackages;

    /// <summary>True when <paramref name="program"/> is on the list.</summary>
    public static bool IsListed(string program) => KnownPackages.ContainsKey(program);

    /// <summary>The Debian package that ships <paramref name="program"/>.</summary>
    /// <exception cref="ArgumentException">The program is not on the list.</exception>
    public static string PackageOf(string program) =>
        KnownPackages.TryGetValue(program, out var package) ? package : throw NotListed(program);

    /// <summary>"fio not found: install the Debian package fio": one line for a missing tool.</summary>
    public static string MissingMessage(string program) =>
        $"{(FixedPaths.TryGetValue(program, out var path) ? path : program)} not found: install the Debian package {PackageOf(program)}";

    /// <summary>"missing (Debian package fio)": how probe describes a tool that is not installed.</summary>
    public static string Missing(string program) => $"missing (Debian package {PackageOf(program)})";

    /// <summary>The directories searched, in order.</summary>
    public IReadOnlyList<string> Directories =>
        _directories ?? [.. (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            // A relative PATH entry (".", "bin") would make the current directory choose what root runs.
            .Where(Path.IsPathRooted)
            .Concat(SystemDirectories)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>The full path of a listed program, or null when it is not installed.</summary>
    /// <exception cref="ArgumentException">The program is not on the list.</exception>
    public string? Find(string program)
    {
        if (!IsListed(program))
        {
            throw NotListed(program);
        }
        if (_directories is null && FixedPaths.TryGetValue(program, out var fixedPath))
        {
            return IsExecutable(fixedPath) ? fixedPath : null;
        }
        foreach (var directory in Directories)
        {
            var candidate = Path.Combine(directory, program);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>The full path of a listed program.</summary>
    /// <exception cref="MissingToolException">Not installed; the message names the Debian package.</exception>
    public string Require(string program) => Find(program) ?? throw new MissingToolException(program);

    /// <summary>Throws <see cref="MissingToolException"/> for the first of <paramref name="programs"/> that is not installed.</summary>
    public void RequireAll(params string[] programs)
    {
        foreach (var program in programs)
        {
            _ = Require(program);
        }
    }

    private static ArgumentException NotListed(string program) =>
        new($"{program} is not on KvmTune's list of programs it runs", nameof(program));
}

/// <summary>A program KvmTune needs is not installed: one line naming the Debian package (exit 2).</summary>
public sealed class MissingToolException(string program) : InputException(ToolRegistry.MissingMessage(program))
{
    public string Program { get; } = program;

    public string Package => ToolRegistry.PackageOf(Program);
}
