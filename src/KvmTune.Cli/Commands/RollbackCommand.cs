using System.ComponentModel;
using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Host.Libvirt;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune rollback</c>: restores a domain's persistent definition from a backup, byte for byte. Without --to, the
/// newest backup that is not rollback's own safety copy (so a second rollback does not re-apply what the first undid).
/// Backups are those of this connection's domain (URI + UUID). A dry run unless --yes; the current definition is
/// backed up first, under the domain's lock.
/// </summary>
internal sealed class RollbackCommand(CliOutput output) : Command<RollbackCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--connect <URI>")]
        [Description("libvirt URI (default $LIBVIRT_DEFAULT_URI or qemu:///system).")]
        public string? Connect { get; init; }

        [CommandOption("--domain <NAME>")]
        [Description("The domain to restore.")]
        public string? Domain { get; init; }

        [CommandOption("--to <BACKUP>")]
        [Description("The backup to restore: a file name from --list or a path (default: the newest one saved before an apply).")]
        public string? To { get; init; }

        [CommandOption("--list")]
        [Description("List the domain's backups and change nothing.")]
        public bool List { get; init; }

        [CommandOption("--yes")]
        [Description("Restore (without it, a dry run: the diff and nothing written).")]
        public bool Yes { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Domain))
            {
                return ValidationResult.Error("rollback: --domain NAME is required");
            }
            if (List && (To is not null || Yes))
            {
                return ValidationResult.Error("rollback: --list changes nothing; it takes neither --to nor --yes");
            }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var name = settings.Domain!;
        var store = DomainBackupStore.Default;
        using var connection = LibvirtInput.Open(settings.Connect, readWrite: settings.Yes);
        using var domain = LibvirtInput.Lookup(connection, [name])[0];
        var key = DomainKey.Of(domain);
        if (settings.List)
        {
            var table = new Table().AddColumns("backup", "saved (UTC)", "reason");
            foreach (var b in store.List(key, name))
            {
                table.AddRow(Markup.Escape(b.FileName), b.Time.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(b.Reason + (b.Legacy ? " (saved by name only)" : "")));
            }
            output.Console.Write(table);
            return ExitCodes.Ok;
        }

        // Chosen and compared under the lock: no apply or rollback changes the domain in between.
        DomainLock? held = null;
        try
        {
            held = settings.Yes ? DomainLock.Acquire(key, DomainDefinitionWriter.DefaultLockWait, cancellationToken: cancellationToken) : null;
        }
        catch (IOException e)
        {
            output.Error.WriteLine($"kvmtune: {name}: {e.Message}; nothing written");
            return ExitCodes.Failure;
        }
        using var _ = held;
        var backup = Choose(settings.To, name, key, store);
        var xml = DomainBackupStore.Read(backup);
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
        if (DomainKey.UuidIn(xml) is { } uuid && uuid != key.Uuid)
        {
            throw new InputException($"{backup.Path}: a backup of the domain with UUID {uuid}, not of {name} ({key.Uuid})");
        }

        var current = domain.PersistentXml;
        var what = $"{backup.FileName} (saved {backup.Time:yyyy-MM-dd HH:mm:ss} UTC, {backup.Reason})";
        if (current == xml)
        {
            output.Console.MarkupLineInterpolated($"{name}: already defined exactly as {what}; nothing written");
            return ExitCodes.Ok;
        }
        output.Console.MarkupLineInterpolated($"{name}: restoring {what}");
        output.Out.Write(Core.Apply.UnifiedDiff.Create(current, xml, $"{name} (persistent)", backup.FileName));
        output.Out.Flush();
        if (!settings.Yes)
        {
            output.Console.MarkupLineInterpolated($"Dry run: nothing written. Run again with --yes to restore {name} from {backup.FileName}.");
            return ExitCodes.Ok;
        }

        var writer = new DomainDefinitionWriter(store);
        var outcome = writer.Replace(connection, name, current, xml, DomainBackup.BeforeRollback,
            readBack => readBack == xml ? [] : ["libvirt's definition after restoring differs from the backup"], held);
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

    private static DomainBackup Choose(string? to, string name, DomainKey key, DomainBackupStore store)
    {
        if (to is null)
        {
            return store.LatestToRestore(key, name)
                ?? throw new InputException($"{name}: no backups to restore in {store.DirectoryFor(key)} (see kvmtune rollback --domain {name} --list)");
        }
        var byName = store.List(key, name).FirstOrDefault(b => b.FileName == to || b.FileName == to + ".xml");
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
