using System.Text.Json;
using System.Text.Json.Serialization;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Apply;

/// <summary>
/// What the advisor decided, in a file <c>apply</c> and <c>nova apply</c> consume. Per libvirt source type
/// (<c>file</c>, <c>block</c>, <c>network</c>) the driver settings to use; plus the nova.conf keys that express them.
/// A setting left null is not changed.
/// </summary>
public sealed record TuningPolicy
{
    /// <summary>Format version of the file.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The stored run the policy was decided from, if any.</summary>
    public long? FromRun { get; init; }

    /// <summary>Driver settings per disk source type: keys <c>file</c>, <c>block</c>, <c>network</c>.</summary>
    public Dictionary<string, DriverPolicy> Disks { get; init; } = [];

    /// <summary>nova.conf keys to set: section → key → value (e.g. <c>libvirt</c> → <c>disk_cachemodes</c>).</summary>
    public Dictionary<string, Dictionary<string, string>> Nova { get; init; } = [];

    /// <summary>Flavor extra specs sharing the measured capacity among VMs (<c>quota:disk_total_iops_sec</c> …), or null.</summary>
    public Dictionary<string, string>? FlavorExtraSpecs { get; init; }

    /// <summary>Human-readable rationale lines.</summary>
    public List<string> Rationale { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        // Rationale lines quote libvirt (cache='none') and use × and –: keep them readable in the file.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses a policy file; throws <see cref="InputException"/> naming <paramref name="source"/> on bad input.</summary>
    public static TuningPolicy Parse(string json, string source)
    {
        TuningPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<TuningPolicy>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}:{(e.LineNumber ?? 0) + 1}: not a KvmTune policy: {e.Message}", e);
        }
        if (policy is null || policy.Version != 1)
        {
            throw new InputException($"{source}: not a KvmTune policy file (version 1 expected)");
        }
        foreach (var (type, driver) in policy.Disks)
        {
            if (type is not ("file" or "block" or "network"))
            {
                throw new InputException($"{source}: disks.{type}: unknown source type (expected file, block or network)");
            }
            if (driver.Cache is not null && CacheModes.Parse(driver.Cache) is null)
            {
                throw new InputException($"{source}: disks.{type}.cache: unknown cache mode '{driver.Cache}'");
            }
            if (driver.Io is not null && IoModes.Parse(driver.Io) is null)
            {
                throw new InputException($"{source}: disks.{type}.io: unknown io mode '{driver.Io}'");
            }
        }
        return policy;
    }
}

/// <summary>Driver attributes for one source type, in libvirt's spelling (<c>cache='none'</c>).</summary>
public sealed record DriverPolicy
{
    /// <summary>The cache and io a candidate's driver sets (<see cref="DriverSettings"/>).</summary>
    public static DriverPolicy For(DriverSettings driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        return new DriverPolicy { Cache = driver.Cache.ToLibvirt(), Io = driver.Io.ToLibvirt() };
    }

    public string? Cache { get; init; }
    public string? Io { get; init; }
    public string? Discard { get; init; }
    public string? DetectZeroes { get; init; }
}
