namespace KvmTune.Host.Libvirt;

/// <summary>How replacing a persistent definition ended.</summary>
public enum ReplaceStatus
{
    /// <summary>The new definition is in place and verified.</summary>
    Replaced,

    /// <summary>Nothing was written: the backup could not be saved, or the definition changed since it was read.</summary>
    NotStarted,

    /// <summary>libvirt refused the new definition; the previous one is still in place.</summary>
    Refused,

    /// <summary>The new definition was written but failed verification; the previous one was restored.</summary>
    Restored,

    /// <summary>Restoring failed too: the backup file is the way back (<c>kvmtune rollback</c>).</summary>
    RestoreFailed,
}

/// <summary>The result of <see cref="DomainDefinitionWriter.Replace"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Backup">The backup of the previous definition, when one was saved.</param>
/// <param name="ReadBackXml">The persistent XML read back after defineXML (null when nothing was defined).</param>
/// <param name="Problems">What went wrong, one line each.</param>
public sealed record ReplaceOutcome(ReplaceStatus Status, DomainBackup? Backup, string? ReadBackXml, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Status == ReplaceStatus.Replaced;
}

/// <summary>
/// Seams for tests, given through the constructor (never read from the environment): what to do once the backup is on
/// disk, and how to change the XML just before defineXML.
/// </summary>
/// <param name="AfterBackup">Runs after the backup is written, before defineXML.</param>
/// <param name="BeforeDefine">Gets the XML about to be defined and returns the XML to define.</param>
public sealed record ReplaceHooks(Action<DomainBackup>? AfterBackup = null, Func<string, string>? BeforeDefine = null);

/// <summary>
/// Replaces a domain's persistent definition safely: under the domain's <see cref="DomainLock"/> (URI + UUID) the
/// definition is checked to be the one the plan was made from, the previous XML is saved (fsynced) before defineXML,
/// the result is read back and verified, and any failure after defineXML restores the previous definition.
/// </summary>
public sealed class DomainDefinitionWriter(DomainBackupStore backups, string? lockDirectory = null, TimeSpan? lockWait = null, ReplaceHooks? hooks = null)
{
    /// <summary>How long a writer waits for another KvmTune that is changing the same domain.</summary>
    public static TimeSpan DefaultLockWait { get; } = TimeSpan.FromMinutes(2);

    /// <summary>The backup store.</summary>
    public DomainBackupStore Backups { get; } = backups;

    /// <summary>
    /// Replaces <paramref name="domainName"/>'s persistent definition, which must still be <paramref name="expectedXml"/>,
    /// with <paramref name="newXml"/>. <paramref name="verify"/> gets the XML read back and returns problems (none = good).
    /// <paramref name="heldLock"/> is the domain's lock when the caller already holds it (around its plan); otherwise
    /// the writer takes it for the replacement.
    /// </summary>
    public ReplaceOutcome Replace(LibvirtConnection connection, string domainName, string expectedXml, string newXml, string reason,
        Func<string, IReadOnlyList<string>> verify, DomainLock? heldLock = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(verify);
        DomainKey key;
        using (var domain = connection.LookupByName(domainName))
        {
            key = DomainKey.Of(domain);
        }
        if (heldLock is not null && heldLock.Key != key)
        {
            throw new ArgumentException($"the lock held is for {heldLock.Key}, not for {domainName} ({key})", nameof(heldLock));
        }
        DomainLock? ownLock = null;
        try
        {
            if (heldLock is null)
            {
                try
                {
                    ownLock = DomainLock.Acquire(key, lockWait ?? DefaultLockWait, lockDirectory);
                }
                catch (IOException e)
                {
                    return new ReplaceOutcome(ReplaceStatus.NotStarted, null, null, [$"{domainName}: {e.Message}; nothing written"]);
                }
            }
            return ReplaceLocked(connection, key, domainName, expectedXml, newXml, reason, verify);
        }
        finally
        {
            ownLock?.Dispose();
        }
    }

    private ReplaceOutcome ReplaceLocked(LibvirtConnection connection, DomainKey key, string domainName, string expectedXml, string newXml, string reason,
        Func<string, IReadOnlyList<string>> verify)
    {
        // Under the lock: the definition must still be the one the caller planned from (another writer may have
        // finished in between).
        var current = ReadPersistent(connection, domainName);
        if (current != expectedXml)
        {
            return new ReplaceOutcome(ReplaceStatus.NotStarted, null, null, [$"{domainName}: the persistent definition changed since it was read; nothing written"]);
        }

        DomainBackup backup;
        try
        {
            backup = Backups.Save(key, domainName, current, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new ReplaceOutcome(ReplaceStatus.NotStarted, null, null, [$"{domainName}: cannot save a backup in {Backups.DirectoryFor(key)}: {e.Message}; nothing written"]);
        }
        hooks?.AfterBackup?.Invoke(backup);

        var toDefine = hooks?.BeforeDefine is { } change ? change(newXml) : newXml;
        try
        {
            using var _ = connection.DefineXml(toDefine);
        }
        catch (LibvirtException e)
        {
            // defineXML is all or nothing; confirm the previous definition is still there.
            var still = ReadPersistent(connection, domainName);
            var problems = new List<string> { $"{domainName}: libvirt refused the new definition: {e.LibvirtMessage} (code {e.Code})" };
            if (still != current)
            {
                problems.AddRange(Restore(connection, domainName, current));
                return new ReplaceOutcome(problems.Count > 1 ? ReplaceStatus.RestoreFailed : ReplaceStatus.Restored, backup, still, problems);
            }
            return new ReplaceOutcome(ReplaceStatus.Refused, backup, null, problems);
        }

        string readBack;
        IReadOnlyList<string> mismatches;
        try
        {
            readBack = ReadPersistent(connection, domainName) ?? throw new InvalidOperationException("the domain disappeared after defineXML");
            mismatches = verify(readBack);
        }
        catch (Exception e) when (e is LibvirtException or InvalidOperationException or FormatException)
        {
            readBack = "";
            mismatches = [$"cannot read the new definition back: {e.Message}"];
        }
        if (mismatches.Count == 0)
        {
            return new ReplaceOutcome(ReplaceStatus.Replaced, backup, readBack, []);
        }
        var restoreProblems = Restore(connection, domainName, current);
        var all = mismatches.Select(m => $"{domainName}: {m}").Concat(restoreProblems).ToList();
        return new ReplaceOutcome(restoreProblems.Count == 0 ? ReplaceStatus.Restored : ReplaceStatus.RestoreFailed, backup, readBack, all);
    }

    /// <summary>Defines the previous XML again and checks it is back byte for byte.</summary>
    private static List<string> Restore(LibvirtConnection connection, string domainName, string previous)
    {
        try
        {
            using (connection.DefineXml(previous))
            {
            }
            var now = ReadPersistent(connection, domainName);
            return now == previous ? [] : [$"{domainName}: restored, but libvirt's definition differs from the backup"];
        }
        catch (LibvirtException e)
        {
            return [$"{domainName}: restoring the previous definition failed: {e.LibvirtMessage}"];
        }
    }

    private static string? ReadPersistent(LibvirtConnection connection, string domainName)
    {
        using var domain = connection.TryLookupByName(domainName);
        return domain?.PersistentXml;
    }
}
