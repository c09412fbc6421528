using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvmTune.Cli.Tests.Commands;

/// <summary>
/// Walks a JSON document and finds property names that break the JSON convention (snake_case). Names that are data —
/// a profile (<c>randread-4k-qd32</c>), a source type, a nova.conf section such as <c>DEFAULT</c> — are allowed; a
/// camelCase or PascalCase name (<c>ratioToHost</c>, <c>Winner</c>) is not.
/// </summary>
internal static partial class JsonKeys
{
    public static IReadOnlyList<string> NotSnakeCase(string json)
    {
        using var document = JsonDocument.Parse(json);
        var bad = new List<string>();
        Walk(document.RootElement, "$", bad);
        return bad;
    }

    /// <summary>Asserts that <paramref name="json"/> parses and every property name follows the convention.</summary>
    public static void AssertSnakeCase(string json, string what)
    {
        var bad = NotSnakeCase(json);
        Assert.True(bad.Count == 0, $"{what}: property names not in snake_case: {string.Join(", ", bad.Take(10))}");
    }

    private static void Walk(JsonElement element, string path, List<string> bad)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = $"{path}.{property.Name}";
                    if (MixedCase().IsMatch(property.Name))
                    {
                        bad.Add(at);
                    }
                    Walk(property.Value, at, bad);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]", bad);
                }
                break;
            case JsonValueKind.String:
                // No JSON inside a string: a value that parses as an object or array is a document hidden in text.
                var text = element.GetString()!.TrimStart();
                if ((text.StartsWith('{') || text.StartsWith('[')) && ParsesAsJson(text))
                {
                    bad.Add($"{path} (JSON inside a string)");
                }
                break;
            default:
                break;
        }
    }

    private static bool ParsesAsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A lower-case letter followed by an upper-case one, or a capital followed by a lower-case letter.</summary>
    [GeneratedRegex("[a-z][A-Z]|^[A-Z][a-z]")]
    private static partial Regex MixedCase();
}
