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
/// Replaces a domain's persistent definition safely: the previous XML is saved (fsync'd) before defineXML, the result
/// is read back and verified, and any failure after defineXML restores the previous definition.
/// </summary>
public sealed class DomainDefinitionWriter(DomainBackupStore backups)
{
    /// <summary>
    /// Test hook: when set to a file path, the writer creates that file once the backup is on disk and then waits
    /// forever, so a test can kill the process between backup and defineXML.
    /// </summary>
    public const string PauseAfterBackupVariable = "KVMTUNE_TEST_PAUSE_AFTER_BACKUP";

    /// <summary>Test hook: when set to <c>1</c>, the XML given to defineXML gets an element libvirt's schema refuses.</summary>
    public const string CorruptDefineVariable = "KVMTUNE_TEST_CORRUPT_DEFINE";

    /// <summary>The backup store.</summary>
    public DomainBackupStore Backups { get; } = backups;

    /// <summary>
    /// Replaces <paramref name="domainName"/>'s persistent definition, which must still be <paramref name="expectedXml"/>,
    /// with <paramref name="newXml"/>. <paramref name="verify"/> gets the XML read back and returns problems (none = good).
    /// </summary>
    public ReplaceOutcome Replace(LibvirtConnection connection, string domainName, string expectedXml, string newXml, string reason, Func<string, IReadOnlyList<string>> verify)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(verify);
        string current;
        using (var domain = connection.LookupByName(domainName))
        {
            current = domain.PersistentXml;
        }
        if (current != expectedXml)
        {
            return new ReplaceOutcome(ReplaceStatus.NotStarted, null, null, [$"{domainName}: the persistent definition changed since it was read; nothing written"]);
        }

        DomainBackup backup;
        try
        {
            backup = Backups.Save(domainName, current, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new ReplaceOutcome(ReplaceStatus.NotStarted, null, null, [$"{domainName}: cannot save a backup in {Backups.DirectoryFor(domainName)}: {e.Message}; nothing written"]);
        }
        PauseIfAsked();

        var toDefine = Environment.GetEnvironmentVariable(CorruptDefineVariable) == "1"
            ? newXml.Replace("</devices>", "  <kvmtune-not-a-device/>\n  </devices>", StringComparison.Ordinal)
            : newXml;
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

    private static void PauseIfAsked()
    {
        var marker = Environment.GetEnvironmentVariable(PauseAfterBackupVariable);
        if (string.IsNullOrEmpty(marker))
        {
            return;
        }
        File.WriteAllText(marker, "backup written\n");
        Thread.Sleep(Timeout.Infinite);
    }
}
