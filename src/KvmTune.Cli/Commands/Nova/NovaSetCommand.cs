using System.ComponentModel;
using KvmTune.Core;
using KvmTune.Core.Nova;
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
        [Description("section.key=value or [[section]]key=value, e.g. libvirt.disk_cachemodes=file=none,block=none")]
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
        // oslo.config reads DEFAULT options only from [DEFAULT]; a [default] section would be silently ignored.
        if (section.Equals("default", StringComparison.OrdinalIgnoreCase))
        {
            section = "DEFAULT";
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
        var notes = NovaConfEdit.Reminders(assignments.Select(a => a.Key)).ToList();
        notes.AddRange(UnknownKeys(file, assignments));
        return NovaConfEdit.Commit(output, file, conf, settings.Yes, settings.BackupDir, notes);
    }

    // nova ignores keys it does not know. A key that is neither one KvmTune knows, nor already in the file, nor in
    // the file's commented samples is probably misspelt: say so (without refusing: nova has hundreds of keys).
    private static IEnumerable<string> UnknownKeys(NovaConfFile file, List<(string Section, string Key, string Value)> assignments)
    {
        var original = file.Parse();
        foreach (var (section, key, _) in assignments)
        {
            var known = NovaConf.KnownKeys.Any(k => k.Section == IniDocument.NormalizeSection(section) && k.Key == key);
            var inFile = original.Option(section, key) is not null;
            var sample = file.Text.Contains($"\n#{key} =", StringComparison.Ordinal) || file.Text.Contains($"\n#{key}=", StringComparison.Ordinal);
            if (!known && !inFile && !sample)
            {
                yield return $"[{section}] {key} is not a key KvmTune knows and has no sample line in {file.Path}: check the spelling (nova ignores unknown keys)";
            }
        }
    }
}
