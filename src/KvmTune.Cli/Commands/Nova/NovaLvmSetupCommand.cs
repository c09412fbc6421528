using System.ComponentModel;
using KvmTune.Host.Devices;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova lvm-setup --device DEV --vg NAME --conf FILE</c>: pvcreate, vgcreate, then
/// <c>images_type = lvm</c> and <c>images_volume_group = NAME</c> in nova.conf, behind the device safety checks.
/// Dry run unless <c>--yes</c>. Stops before touching anything when device-mapper is missing.
/// </summary>
internal sealed class NovaLvmSetupCommand(CliOutput output) : Command<NovaLvmSetupCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--device <DEV>", isRequired: true)]
        [Description("Block device to turn into the volume group's physical volume (everything on it is destroyed).")]
        public string Device { get; init; } = "";

        [CommandOption("--vg <NAME>", isRequired: true)]
        [Description("Volume group to create and set as images_volume_group.")]
        public string VolumeGroup { get; init; } = "";

        [CommandOption("--conf <FILE>", isRequired: true)]
        [Description("nova.conf to edit.")]
        public string Conf { get; init; } = "";

        [CommandOption("--yes")]
        [Description("Run the commands and write nova.conf (default: dry run).")]
        public bool Yes { get; init; }

        [CommandOption("--confirm-device|--i-know-this-destroys <DEV>")]
        [Description("Repeat the device path to allow a device that carries a partition table or a signature.")]
        public string? Confirm { get; init; }

        [CommandOption("--backup-dir <DIR>", IsHidden = true)]
        public string? BackupDir { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        LvmSetupPlan.ValidateName(settings.VolumeGroup);
        var file = NovaConfFile.Load(settings.Conf);
        var conf = file.Parse();
        conf.Set("libvirt", "images_type", "lvm");
        conf.Set("libvirt", "images_volume_group", settings.VolumeGroup);
        var diff = NovaConfEdit.Prepare(file, conf);
        var device = DeviceSafety.Inspect(settings.Device, settings.Confirm);
        var plan = new LvmSetupPlan(device, settings.VolumeGroup);

        output.Error.WriteLine(settings.Yes ? "plan:" : "dry run: these commands would run, then nova.conf would change:");
        foreach (var command in plan.Commands)
        {
            output.Out.WriteLine($"{command[0]} {string.Join(' ', command.Skip(1))}");
        }
        output.Out.Write(diff);

        var missing = DeviceMapper.Missing();
        if (missing is not null)
        {
            output.Error.WriteLine($"kvmtune: {missing}; stopping before any change ({device} and {settings.Conf} untouched)");
            return ExitCodes.Failure;
        }
        if (!settings.Yes)
        {
            output.Error.WriteLine($"dry run: nothing done; pass --yes to run them");
            return ExitCodes.Ok;
        }
        try
        {
            plan.Run(line => output.Error.WriteLine(line));
        }
        catch (LvmCommandException e)
        {
            output.Error.WriteLine($"kvmtune: {e.Message}; {settings.Conf} untouched");
            return ExitCodes.Failure;
        }
        var code = diff.Length == 0 ? ExitCodes.Ok : NovaConfEdit.Write(output, file, conf.ToText(), settings.BackupDir);
        if (code == ExitCodes.Ok)
        {
            NovaConfEdit.WriteNotes(output, NovaConfEdit.Reminders(["images_type"]));
        }
        else
        {
            output.Error.WriteLine($"kvmtune: volume group {settings.VolumeGroup} was created on {device} but {settings.Conf} was not changed; " +
                $"finish with: kvmtune nova set --conf {settings.Conf} libvirt.images_type=lvm libvirt.images_volume_group={settings.VolumeGroup} --yes");
        }
        return code;
    }
}
