using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using KvmTune.Services.Fleet;

namespace KvmTune.Cli.Json;

/// <summary><c>explain --format json</c> for files: <c>{"results":[…]}</c>.</summary>
internal sealed record ExplainFilesJson(IReadOnlyList<ExplainResultJson> Results);

/// <summary><c>explain --format json</c> for libvirt hosts: <c>{"hosts":[{"host","uri","error","results"}]}</c>.</summary>
internal sealed record ExplainHostsJson(IReadOnlyList<ExplainHostJson> Hosts, HostsSummaryJson Summary);

internal sealed record ExplainHostJson(string Host, string Uri, string? Error, IReadOnlyList<ExplainResultJson>? Results);

internal sealed record ExplainResultJson(string File, string? Domain, IReadOnlyList<ExplainDiskJson> Disks, IReadOnlyList<FindingJson> Findings)
{
    public static ExplainResultJson From(ExplainedDomain e) => new(
        e.Origin, e.Explanation.Domain, [.. e.Explanation.Disks.Select(ExplainDiskJson.From)], [.. e.Explanation.DomainFindings.Select(FindingJson.From)]);
}

internal sealed record ExplainDiskJson(
    string Disk, string? Bus, string Device, string? Type, string? Source, string? Format,
    ExplainCacheJson Cache, ExplainIoJson Io, ExplainValueJson Discard, ExplainValueJson DetectZeroes, SafetyJson CrashSafety, SafetyJson MigrationSafety, ExplainQemuJson Qemu,
    IReadOnlyList<FindingJson> Findings)
{
    public static ExplainDiskJson From(DiskExplanation d) => new(
        d.Disk, d.Bus, d.Device, d.Type, d.Source, d.Format,
        new ExplainCacheJson(d.Cache, d.EffectiveCache is { } c ? CacheModes.ToLibvirt(c) : null, d.CacheIsDefault,
            d.CacheSemantics?.Writeback, d.CacheSemantics?.Direct, d.CacheSemantics?.NoFlush, d.CacheMeaning),
        new ExplainIoJson(d.Io, d.EffectiveIo, d.IoMeaning, d.IoThreads),
        new ExplainValueJson(d.Discard, d.DiscardMeaning),
        new ExplainValueJson(d.DetectZeroes, d.DetectZeroesMeaning),
        new SafetyJson(d.CrashSafety.Name(), d.CrashSafetyDetail),
        new SafetyJson(d.MigrationSafety.Name(), d.MigrationSafetyDetail),
        new ExplainQemuJson(d.Qemu.CacheDirect, d.Qemu.CacheNoFlush, d.Qemu.Aio, d.Qemu.WriteCache, d.Qemu.Discard, d.Qemu.DetectZeroes, d.Qemu.Blockdev, d.Qemu.Device, d.Qemu.HasMedium),
        [.. d.Findings.Select(FindingJson.From)]);
}

internal sealed record ExplainCacheJson(string? Value, string? Effective, bool Default, bool? Writeback, bool? Direct, bool? NoFlush, string Meaning);

internal sealed record ExplainIoJson(string? Value, string? Effective, string Meaning, IReadOnlyList<string> Iothreads);

internal sealed record SafetyJson(string Class, string Detail);

internal sealed record ExplainValueJson(string? Value, string Meaning);

internal sealed record ExplainQemuJson(bool CacheDirect, bool CacheNoFlush, string? Aio, string? WriteCache, string? Discard, string? DetectZeroes, string? Blockdev, string? Device, bool HasMedium);

/// <summary>A rule finding: code, severity (error, warning, info), disk, message, fix.</summary>
internal sealed record FindingJson(string Code, string Severity, string? Disk, string Message, string? Fix)
{
    public static FindingJson From(Finding f) => new(f.Code, f.SeverityText, f.Disk, f.Message, f.Fix);
}

/// <summary>How many hosts were asked and how many failed (unreachable, libvirt errors).</summary>
internal sealed record HostsSummaryJson(int Hosts, int FailedHosts);
