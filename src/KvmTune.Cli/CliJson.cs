using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvmTune.Cli;

/// <summary>How commands write JSON on stdout: camelCase, indented, enums as kebab-case names.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A statistic of a skipped candidate has an infinite relative width.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
