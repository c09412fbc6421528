using System.ComponentModel;
using KvmTune.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova set --conf FILE KEY=VALUE…</c>: lossless edit of nova.conf. KEY is <c>section.key</c>
/// (<c>libvirt.images_type=lvm</c>; the section is before the first dot) or <c>[section]key</c> for a section name
/// with a dot (<c>[DEFAULT]preallocate_images=space</c>). VALUE is everything after the first <c>=</c>.
/// </summary>
internal sealed class NovaSetCommand(CliOutput output) : Command<NovaSetCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--conf <FILE>", isRequired: true)]
        [Description("nova.conf to edit.")]
        public string Conf { get; init; } = "";

        [CommandArgument(0, "<KEY=VALUE>")]
        [Description("section.key=value or [section]key=value, e.g. libvirt.disk_cachemodes=file=none,block=none")]
        public string[] Assignments { get; init; } = [];

        [CommandOption("--yes")]
        [Description("Write the file (default: dry run, print the diff only).")]
        public bool Yes { get; init; }

        [CommandOption("--backup-dir <DIR>", IsHidden = true)]
        public string? BackupDir { get; init; }
    }

    /// <summary>Parses <c>section.key=value</c> or <c>[section]key=value</c>.</summary>
    public static (string Section, string Key, string Value) ParseAssignment(string text)
    {
        string section, rest;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                throw new InputException($"'{text}': expected [section]key=value");
            }
            section = text[1..close];
            rest = text[(close + 1)..];
        }
        else
        {
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (dot <= 0 || (eq >= 0 && eq < dot))
            {
                throw new InputException($"'{text}': expected section.key=value or [section]key=value");
            }
            section = text[..dot];
            rest = text[(dot + 1)..];
        }
        var equals = rest.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new InputException($"'{text}': expected section.key=value or [section]key=value");
        }
        return (section, rest[..equals], rest[(equals + 1)..]);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var file = NovaConfFile.Load(settings.Conf);
        var assignments = settings.Assignments.Select(ParseAssignment).ToList();
        var conf = file.Parse();
        foreach (var (section, key, value) in assignments)
        {
            try
            {
                conf.Set(section, key, value);
            }
            catch (InputException e)
            {
                throw new InputException($"{settings.Conf}: {e.Message}", e);
            }
        }
        return NovaConfEdit.Commit(output, file, conf, settings.Yes, settings.BackupDir, NovaConfEdit.Reminders(assignments.Select(a => a.Key)));
    }
}
