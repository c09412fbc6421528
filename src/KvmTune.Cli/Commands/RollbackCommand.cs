using System.ComponentModel;
using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Host.Libvirt;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune rollback</c>: restores a domain's persistent definition from a backup, byte for byte (the newest
/// backup unless --to names one). The current definition is backed up first.
/// </summary>
internal sealed class RollbackCommand(CliOutput output) : Command<RollbackCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--connect <URI>")]
        [Description("libvirt URI (default $LIBVIRT_DEFAULT_URI or qemu:///system).")]
        public string? Connect { get; init; }

        [CommandOption("--domain <NAME>")]
        [Description("The domain to restore.")]
        public string? Domain { get; init; }

        [CommandOption("--to <BACKUP>")]
        [Description("The backup to restore: a file name from --list or a path (default: the newest).")]
        public string? To { get; init; }

        [CommandOption("--list")]
        [Description("List the domain's backups and change nothing.")]
        public bool List { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Domain))
            {
                return ValidationResult.Error("rollback: --domain NAME is required");
            }
            if (List && To is not null)
            {
                return ValidationResult.Error("rollback: --list and --to exclude each other");
            }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var name = settings.Domain!;
        var store = DomainBackupStore.Default;
        using var connection = LibvirtInput.Open(settings.Connect, readWrite: !settings.List);
        using var domain = LibvirtInput.Lookup(connection, [name])[0];
        var backups = store.List(name);
        if (settings.List)
        {
            var table = new Table().AddColumns("backup", "saved (UTC)", "reason");
            foreach (var b in backups)
            {
                table.AddRow(Markup.Escape(b.FileName), b.Time.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(b.Reason));
            }
            output.Console.Write(table);
            return ExitCodes.Ok;
        }

        var backup = Choose(settings.To, name, store, backups);
        string xml;
        try
        {
            xml = DomainBackupStore.Read(backup);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
        {
            throw new InputException($"{backup.Path}: cannot read the backup: {e.Message}", e);
        }
        DomainDocument document;
        try
        {
            document = DomainDocument.Parse(xml, backup.Path);
        }
        catch (DomainXmlException e)
        {
            throw new InputException(e.Message, e);
        }
        if (document.Name != name)
        {
            throw new InputException($"{backup.Path}: a backup of domain '{document.Name}', not '{name}'");
        }

        var current = domain.PersistentXml;
        if (current == xml)
        {
            output.Console.MarkupLineInterpolated($"{name}: already defined exactly as {backup.FileName}; nothing written");
            return ExitCodes.Ok;
        }
        output.Out.Write(Core.Apply.UnifiedDiff.Create(current, xml, $"{name} (persistent)", backup.FileName));
        output.Out.Flush();

        var writer = new DomainDefinitionWriter(store);
        var outcome = writer.Replace(connection, name, current, xml, "before-rollback",
            readBack => readBack == xml ? [] : ["libvirt's definition after restoring differs from the backup"]);
        if (!outcome.Succeeded)
        {
            foreach (var problem in outcome.Problems)
            {
                output.Error.WriteLine($"kvmtune: {problem}");
            }
            return ExitCodes.Failure;
        }
        output.Console.MarkupLineInterpolated($"[green]{name}[/]: restored from {backup.FileName}; the definition it replaced is in {outcome.Backup!.Path}");
        if (domain.IsActive)
        {
            output.Console.MarkupLineInterpolated($"[yellow]{name}[/]: running: keeps its current settings until a cold restart (shut down and start)");
        }
        return ExitCodes.Ok;
    }

    private static DomainBackup Choose(string? to, string name, DomainBackupStore store, IReadOnlyList<DomainBackup> backups)
    {
        if (to is null)
        {
            return backups.Count > 0
                ? backups[^1]
                : throw new InputException($"{name}: no backups in {store.DirectoryFor(name)}");
        }
        var byName = backups.FirstOrDefault(b => b.FileName == to || b.FileName == to + ".xml");
        if (byName is not null)
        {
            return byName;
        }
        if (File.Exists(to))
        {
            return new DomainBackup(Path.GetFullPath(to), name, File.GetLastWriteTimeUtc(to), "file");
        }
        throw new InputException($"--to {to}: no such backup of '{name}' (see kvmtune rollback --domain {name} --list)");
    }
}
