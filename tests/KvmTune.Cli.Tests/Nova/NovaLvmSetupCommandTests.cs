using KvmTune.Host.Devices;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Nova;

public sealed class NovaLvmSetupCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-lvm-cli-");
    private readonly string _conf;
    private const string Original = "[DEFAULT]\nstate_path = /var/lib/nova\n\n[libvirt]\nvirt_type = kvm\n";

    public NovaLvmSetupCommandTests()
    {
        _conf = Path.Combine(_dir.FullName, "nova.conf");
        File.WriteAllText(_conf, Original);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(new TestConsole(), stdout, stderr));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Dry_run_prints_the_exact_commands_and_the_nova_conf_diff_and_touches_nothing()
    {
        using var loop = new LoopDevice();

        var (code, stdout, stderr) = await Run("nova", "lvm-setup", "--device", loop.Device, "--vg", "kvmtune-test-vg", "--conf", _conf,
            "--backup-dir", Path.Combine(_dir.FullName, "backups"));

        Assert.StartsWith($"pvcreate -- {loop.Device}\nvgcreate -- kvmtune-test-vg {loop.Device}\n--- a/", stdout, StringComparison.Ordinal);
        Assert.Contains("\n virt_type = kvm\n+images_type = lvm\n+images_volume_group = kvmtune-test-vg\n", stdout, StringComparison.Ordinal);
        if (DeviceMapper.Missing() is not null)
        {
            Assert.Equal(3, code);
            Assert.Contains("device-mapper is not available", stderr, StringComparison.Ordinal);
            Assert.Contains("stopping before any change", stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(0, code);
            Assert.Contains("dry run", stderr, StringComparison.Ordinal);
        }
        Assert.Equal(Original, File.ReadAllText(_conf));
        Assert.Null(DeviceSafety.Signature(loop.Device));
    }

    [Fact]
    public async Task With_yes_it_stops_before_any_command_without_device_mapper_and_runs_the_sequence_with_it()
    {
        using var loop = new LoopDevice();
        var vg = $"kvmtune-test-{Guid.NewGuid():N}"[..24];

        var (code, _, stderr) = await Run("nova", "lvm-setup", "--device", loop.Device, "--vg", vg, "--conf", _conf,
            "--backup-dir", Path.Combine(_dir.FullName, "backups"), "--yes");

        if (DeviceMapper.Missing() is not null)
        {
            Assert.Equal(3, code);
            Assert.Contains("device-mapper is not available", stderr, StringComparison.Ordinal);
            Assert.Null(DeviceSafety.Signature(loop.Device));
            Assert.Equal(Original, File.ReadAllText(_conf));
        }
        else
        {
            // The real lvm2: pvcreate and vgcreate on the loop device, then nova.conf points at the volume group.
            try
            {
                Assert.True(code == 0, stderr);
                Assert.Contains(vg, Shell.Run("vgs", "--noheadings", "-o", "vg_name", "--", vg), StringComparison.Ordinal);
                Assert.Equal(Original + $"images_type = lvm\nimages_volume_group = {vg}\n", File.ReadAllText(_conf));
            }
            finally
            {
                try
                {
                    Shell.Run("vgremove", "--yes", "--", vg);
                    Shell.Run("pvremove", "--yes", "--", loop.Device);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    [Fact]
    public async Task A_signature_refusal_names_the_confirm_device_option()
    {
        using var loop = new LoopDevice();
        Shell.Run("mkfs.ext4", "-q", "-F", loop.Device);

        var (code, _, stderr) = await Run("nova", "lvm-setup", "--device", loop.Device, "--vg", "vg", "--conf", _conf);

        Assert.Equal(2, code);
        Assert.Contains($"--confirm-device {loop.Device}", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_with_a_filesystem_signature_is_refused_before_any_output()
    {
        using var loop = new LoopDevice();
        Shell.Run("mkfs.ext4", "-q", "-F", loop.Device);

        var (code, stdout, stderr) = await Run("nova", "lvm-setup", "--device", loop.Device, "--vg", "vg", "--conf", _conf, "--yes");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("ext4 signature", stderr, StringComparison.Ordinal);
        Assert.Equal(Original, File.ReadAllText(_conf));
    }

    [Fact]
    public async Task An_invalid_volume_group_name_is_exit_2()
    {
        var (code, _, stderr) = await Run("nova", "lvm-setup", "--device", "/dev/null", "--vg", "bad/name", "--conf", _conf);

        Assert.Equal(2, code);
        Assert.Contains("not a valid LVM volume group name", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_character_device_is_not_a_block_device()
    {
        var (code, _, stderr) = await Run("nova", "lvm-setup", "--device", "/dev/null", "--vg", "vg", "--conf", _conf);

        Assert.Equal(2, code);
        Assert.Equal("kvmtune: /dev/null: not a block device\n", stderr);
    }
}
