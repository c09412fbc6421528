using System.Text.Json;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Nova;

public sealed class NovaCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-nova-cli-");
    private readonly string _conf;
    private readonly string _original;

    public NovaCommandTests()
    {
        _conf = Path.Combine(_dir.FullName, "nova.conf");
        _original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nova", "ubuntu-nova.conf"));
        File.WriteAllText(_conf, _original);
    }

    private string Backups => Path.Combine(_dir.FullName, "backups");

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(int Code, string Out, string Err, string Console)> Run(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, stdout, stderr));
        return (code, stdout.ToString(), stderr.ToString(), console.Output);
    }

    [Fact]
    public async Task Explain_json_lists_every_backend_and_volume_with_its_driver()
    {
        var (code, stdout, _, _) = await Run("nova", "explain", "--conf", _conf, "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var disks = json.RootElement.GetProperty("disks").EnumerateArray().ToList();
        Assert.Equal(12, disks.Count);
        var configured = Assert.Single(disks, d => d.GetProperty("configured").GetBoolean());
        Assert.Equal("image:default", configured.GetProperty("case").GetString());
        Assert.Equal("<driver name=\"qemu\" type=\"qcow2\" cache=\"none\" />", configured.GetProperty("driver").GetString());
        var rbd = disks.Single(d => d.GetProperty("case").GetString() == "volume:rbd");
        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"writeback\" />", rbd.GetProperty("driver").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("o_direct").ValueKind);
    }

    [Fact]
    public async Task Explain_probes_the_instances_path_and_leaves_it_as_it_was()
    {
        var instances = Directory.CreateDirectory(Path.Combine(_dir.FullName, "instances")).FullName;

        var (code, stdout, _, _) = await Run("nova", "explain", "--conf", _conf, "--instances-path", instances, "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("o_direct").GetBoolean());
        Assert.Equal(instances, json.RootElement.GetProperty("instances_path").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(instances));
    }

    [Fact]
    public async Task Explain_table_shows_config_errors_with_their_line_and_exits_1()
    {
        File.WriteAllText(_conf, "[DEFAULT]\n[libvirt]\nimages_type = lvm\ndisk_cachemodes = file=nocache\n");

        var (code, _, _, console) = await Run("nova", "explain", "--conf", _conf);

        Assert.Equal(1, code);
        Assert.Contains($"{_conf}:3: KN003 error", console, StringComparison.Ordinal);
        Assert.Contains($"{_conf}:4: KN001 error", console, StringComparison.Ordinal);
        Assert.Contains("image:lvm *", console, StringComparison.Ordinal);
        Assert.Contains("nova fails", console, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/nova.conf", "/nonexistent/nova.conf: no such file or directory")]
    public async Task Explain_of_a_missing_file_is_one_line_and_exit_2(string path, string message)
    {
        var (code, stdout, stderr, _) = await Run("nova", "explain", "--conf", path);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"kvmtune: {message}\n", stderr);
    }

    [Fact]
    public async Task A_conf_oslo_cannot_parse_is_bad_input_with_its_line()
    {
        File.WriteAllText(_conf, "[DEFAULT]\nthis line has no separator\n");

        var (code, _, stderr, _) = await Run("nova", "explain", "--conf", _conf);

        Assert.Equal(2, code);
        Assert.StartsWith($"kvmtune: {_conf}:2: no ':' or '='", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_is_a_dry_run_by_default_printing_the_diff()
    {
        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", Backups, "libvirt.images_type=qcow2");

        Assert.Equal(0, code);
        Assert.Contains("\n #images_type = default\n+images_type = qcow2\n", stdout, StringComparison.Ordinal);
        Assert.Contains("dry run", stderr, StringComparison.Ordinal);
        Assert.Equal(_original, File.ReadAllText(_conf));
        Assert.False(Directory.Exists(Backups));
    }

    [Fact]
    public async Task Set_with_yes_writes_only_the_changed_lines_keeps_mode_and_owner_and_backs_up()
    {
        File.SetUnixFileMode(_conf, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Chown(_conf, "1234:5678");

        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", Backups, "--yes",
            "[DEFAULT]preallocate_images=space", "libvirt.disk_cachemodes=network=writeback,block=none,file=none");

        Assert.Equal(0, code);
        var expected = _original
            .Replace("#preallocate_images = none\n", "#preallocate_images = none\npreallocate_images = space\n", StringComparison.Ordinal)
            .Replace("disk_cachemodes = network=writeback,block=none\n", "disk_cachemodes = network=writeback,block=none,file=none\n", StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllText(_conf));
        Assert.Equal(3, stdout.Split('\n').Count(l => l.StartsWith('+') || l.StartsWith('-')) - 2);
        var backup = Assert.Single(Directory.GetFiles(Backups));
        Assert.Equal(_original, File.ReadAllText(backup));
        Assert.Contains($"backup: {backup}", stderr, StringComparison.Ordinal);
        Assert.Contains("restart nova-compute", stderr, StringComparison.Ordinal);
        Assert.Contains("hard reboot", stderr, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_conf));
        Assert.Equal("1234:5678", Stat(_conf, "%u:%g"));
    }

    [Fact]
    public async Task Set_of_default_dot_key_means_the_DEFAULT_section_and_a_misspelt_key_gets_a_note()
    {
        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", _conf, "default.preallocate_images=space", "libvirt.image_type=lvm");

        Assert.Equal(0, code);
        Assert.Contains("\n #preallocate_images = none\n+preallocate_images = space\n", stdout, StringComparison.Ordinal);
        Assert.Contains("note: [libvirt] image_type is not a key KvmTune knows", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("preallocate_images is not a key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_of_the_current_value_writes_nothing_and_makes_no_backup()
    {
        var inode = Stat(_conf, "%i");

        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", Backups, "--yes", "libvirt.virt_type=kvm");

        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Contains("nothing to write", stderr, StringComparison.Ordinal);
        Assert.Equal(inode, Stat(_conf, "%i"));
        Assert.False(Directory.Exists(Backups));
    }

    [Theory]
    [InlineData("libvirt.images_type=lvm2", ":KN004")]
    [InlineData("libvirt.images_type=lvm", ":KN003")]
    [InlineData("DEFAULT.use_cow_images=ture", ":KN005")]
    [InlineData("libvirt.disk_cachemodes=file=nocache", ":KN001")]
    [InlineData("libvirt.disk_io_modes=network=native", ":KT001")]
    [InlineData("images_type=lvm", "'images_type=lvm': expected section.key=value or [section]key=value")]
    [InlineData("[libvirt]images_type", "'[libvirt]images_type': expected section.key=value or [section]key=value")]
    public async Task Set_of_an_invalid_value_is_exit_2_and_nothing_is_written(string assignment, string message)
    {
        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", Backups, "--yes", assignment);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message.TrimStart(':'), stderr, StringComparison.Ordinal);
        Assert.Equal(_original, File.ReadAllText(_conf));
        Assert.False(Directory.Exists(Backups));
    }

    [Fact]
    public async Task Apply_turns_the_policy_into_disk_cachemodes_and_disk_io_modes_and_names_what_nova_cannot_express()
    {
        var policy = Path.Combine(_dir.FullName, "policy.json");
        File.WriteAllText(policy, """
            {
              "version": 1,
              "disks": {
                "file": { "cache": "none", "io": "io_uring", "detect_zeroes": "unmap" },
                "block": { "cache": "none", "io": "native" }
              },
              "nova": { "DEFAULT": { "preallocate_images": "space" } }
            }
            """);

        var (code, stdout, stderr, _) = await Run("nova", "apply", "--conf", _conf, "--policy", policy, "--backup-dir", Backups, "--yes");

        Assert.Equal(0, code);
        var text = File.ReadAllText(_conf);
        Assert.Contains("\ndisk_cachemodes = network=writeback,block=none,file=none\ndisk_io_modes = file=io_uring,block=native\n", text, StringComparison.Ordinal);
        Assert.Contains("\npreallocate_images = space\n", text, StringComparison.Ordinal);
        Assert.Contains("+disk_io_modes = file=io_uring,block=native", stdout, StringComparison.Ordinal);
        Assert.Contains("nova cannot express: io per source type", stderr, StringComparison.Ordinal);
        Assert.Contains("nova cannot express: detect_zeroes", stderr, StringComparison.Ordinal);
        Assert.Contains("disk_io_modes is read by nova only once patched", stderr, StringComparison.Ordinal);
        // io_uring is never nova's own choice: the patch is offered.
        Assert.Contains("stock nova does not give io file=io_uring to every such disk", stderr, StringComparison.Ordinal);
        Assert.Contains("kvmtune nova patch --yes", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_refuses_native_where_the_cache_is_not_direct()
    {
        var policy = Path.Combine(_dir.FullName, "policy.json");
        File.WriteAllText(policy, """{ "version": 1, "disks": { "file": { "cache": "writeback", "io": "native" } } }""");

        var (code, _, stderr, _) = await Run("nova", "apply", "--conf", _conf, "--policy", policy, "--backup-dir", Backups, "--yes");

        Assert.Equal(2, code);
        Assert.Contains("KT001", stderr, StringComparison.Ordinal);
        Assert.Equal(_original, File.ReadAllText(_conf));
    }

    [Fact]
    public async Task Apply_with_an_unreadable_policy_is_exit_2()
    {
        var policy = Path.Combine(_dir.FullName, "policy.json");
        File.WriteAllText(policy, "{ not json");

        var (code, _, stderr, _) = await Run("nova", "apply", "--conf", _conf, "--policy", policy);

        Assert.Equal(2, code);
        Assert.StartsWith($"kvmtune: {policy}:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_on_a_device_node_is_refused_and_the_node_stays_a_device()
    {
        // Given a mknod copy of /dev/null named as nova.conf (issue 11 item 1: it was replaced by a regular file, exit 0)
        var node = Path.Combine(_dir.FullName, "node.conf");
        Shell.Run("mknod", node, "c", "1", "3");

        var (code, stdout, stderr, _) = await Run("nova", "set", "--conf", node, "--backup-dir", Backups, "--yes", "libvirt.images_type=qcow2");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"kvmtune: {node}: is a character device, not a regular file; a nova.conf must be a regular file\n", stderr);
        Assert.Equal("character special file 1:3", Stat(node, "%F %Hr:%Lr"));
        Assert.False(Directory.Exists(Backups));
    }

    [Fact]
    public async Task Set_on_a_fifo_is_refused_without_waiting_for_a_writer()
    {
        var fifo = Path.Combine(_dir.FullName, "fifo.conf");
        Shell.Run("mkfifo", fifo);

        var run = Run("nova", "set", "--conf", fifo, "--yes", "libvirt.images_type=qcow2");

        var (code, _, stderr, _) = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, code);
        Assert.Contains("is a FIFO (named pipe), not a regular file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_on_a_hard_linked_conf_rewrites_it_in_place_and_says_so()
    {
        var link = Path.Combine(_dir.FullName, "nova.conf.orig");
        Shell.Run("ln", _conf, link);
        var inode = Stat(_conf, "%i");

        var (code, _, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", Backups, "--yes", "libvirt.images_type=qcow2");

        Assert.Equal(0, code);
        Assert.Contains("in place", stderr, StringComparison.Ordinal);
        Assert.Equal(inode, Stat(_conf, "%i"));
        Assert.Equal(File.ReadAllText(_conf), File.ReadAllText(link));
        Assert.Contains("\nimages_type = qcow2\n", File.ReadAllText(link), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_with_a_full_backup_file_system_writes_nothing_and_leaves_no_empty_backup()
    {
        // Given the backup directory on a tmpfs with no space left (issue 11 item 6: a 0-byte backup with a valid name)
        var mount = Directory.CreateDirectory(Path.Combine(_dir.FullName, "full")).FullName;
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount);
        try
        {
            using (var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                try
                {
                    while (true)
                    {
                        filler.Write(new byte[4096]);
                    }
                }
                catch (IOException)
                {
                }
            }
            var backups = Directory.CreateDirectory(Path.Combine(mount, "backups")).FullName;

            var (code, _, stderr, _) = await Run("nova", "set", "--conf", _conf, "--backup-dir", backups, "--yes", "libvirt.images_type=qcow2");

            Assert.Equal(3, code);
            Assert.Contains("the file is unchanged", stderr, StringComparison.Ordinal);
            Assert.Equal(_original, File.ReadAllText(_conf));
            Assert.Empty(Directory.GetFileSystemEntries(backups));
        }
        finally
        {
            Shell.Run("umount", mount);
        }
    }

    [Fact]
    public async Task Set_keeps_the_extended_attributes_and_the_acl_of_nova_conf()
    {
        // Given nova.conf on ext4 with an ACL, a SELinux label and a user attribute (issue 11 item 11)
        var image = Path.Combine(_dir.FullName, "fs.img");
        using (var f = File.Create(image))
        {
            f.SetLength(16L << 20);
        }
        var mount = Directory.CreateDirectory(Path.Combine(_dir.FullName, "ext4")).FullName;
        Shell.Run("mkfs.ext4", "-q", "-F", image);
        Shell.Run("mount", "-o", "loop,user_xattr,acl", image, mount);
        try
        {
            var conf = Path.Combine(mount, "nova.conf");
            File.WriteAllText(conf, _original);
            Shell.Run("setfacl", "-m", "u:nobody:r", conf);
            Shell.Run("setfattr", "-n", "security.selinux", "-v", "system_u:object_r:nova_etc_t:s0", conf);
            Shell.Run("setfattr", "-n", "user.managed-by", "-v", "puppet", conf);
            var before = Shell.Run("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", conf);

            var (code, _, stderr, _) = await Run("nova", "set", "--conf", conf, "--backup-dir", Backups, "--yes", "libvirt.images_type=qcow2");

            Assert.True(code == 0, stderr);
            Assert.Contains("\nimages_type = qcow2\n", File.ReadAllText(conf), StringComparison.Ordinal);
            Assert.Equal(before, Shell.Run("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", conf));
        }
        finally
        {
            Shell.Run("umount", mount);
        }
    }

    private static string Stat(string path, string format) => Shell.Run("stat", "-c", format, path).Trim();

    private static void Chown(string path, string owner) => Shell.Run("chown", owner, path);
}
