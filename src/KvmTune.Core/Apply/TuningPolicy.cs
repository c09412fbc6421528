using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KvmTune.Core.Input;
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
        // A misspelt key is an error, not a setting silently left out.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = InputLimits.JsonDepth,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>
    /// Parses a policy file; throws <see cref="InputException"/> naming <paramref name="source"/> (and the line) on bad
    /// input: malformed JSON, a key given twice in one object, a <c>null</c> value, an unknown key, nesting deeper than
    /// <see cref="InputLimits.JsonDepth"/>, an unknown source type or mode.
    /// </summary>
    public static TuningPolicy Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        CheckStructure(bytes, source);
        TuningPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<TuningPolicy>(bytes, Options);
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}:{(e.LineNumber ?? 0) + 1}: not a KvmTune policy: {InputText.Quote(e.Message, 300)}", e);
        }
        if (policy is null || policy.Version != 1)
        {
            throw new InputException($"{source}: not a KvmTune policy file (version 1 expected)");
        }
        foreach (var (type, driver) in policy.Disks)
        {
            if (type is not ("file" or "block" or "network"))
            {
                throw new InputException($"{source}: disks.{InputText.Quote(type)}: unknown source type (expected file, block or network)");
            }
            if (driver.Cache is not null && CacheModes.Parse(driver.Cache) is null)
            {
                throw new InputException($"{source}: disks.{type}.cache: unknown cache mode '{InputText.Quote(driver.Cache)}'");
            }
            if (driver.Io is not null && IoModes.Parse(driver.Io) is null)
            {
                throw new InputException($"{source}: disks.{type}.io: unknown io mode '{InputText.Quote(driver.Io)}'");
            }
        }
        return policy;
    }

    // What System.Text.Json lets through silently: the last of two equal keys wins, and null reaches members the
    // policy never leaves null. Walks the tokens once, with the depth limit, before deserialising.
    private static void CheckStructure(byte[] bytes, string source)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = InputLimits.JsonDepth });
        var keys = new Stack<HashSet<string>>();
        var path = new Stack<string>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        keys.Push(new HashSet<string>(StringComparer.Ordinal));
                        path.Push(property ?? "");
                        property = null;
                        break;
                    case JsonTokenType.EndObject:
                        keys.Pop();
                        path.Pop();
                        break;
                    case JsonTokenType.StartArray:
                        path.Push(property ?? "");
                        property = null;
                        break;
                    case JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        if (!keys.Peek().Add(property))
                        {
                            throw new InputException($"{source}:{Line(bytes, reader.TokenStartIndex)}: key '{InputText.Quote(Where(path, property))}' is given twice (JSON keeps only one; say it once)");
                        }
                        continue;
                    case JsonTokenType.Null:
                        throw new InputException($"{source}:{Line(bytes, reader.TokenStartIndex)}: {InputText.Quote(Where(path, property ?? "[]"))}: null is not a value here (leave the key out instead)");
                    default:
                        break;
                }
                if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    property = null;
                }
            }
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}:{(e.LineNumber ?? 0) + 1}: not a KvmTune policy: {InputText.Quote(e.Message, 300)}", e);
        }
    }

    private static string Where(Stack<string> path, string key) =>
        string.Join('.', path.Reverse().Where(p => p.Length > 0).Append(key));

    private static int Line(byte[] bytes, long offset) =>
        bytes.AsSpan(0, (int)Math.Min(offset, bytes.Length)).Count((byte)'\n') + 1;
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
