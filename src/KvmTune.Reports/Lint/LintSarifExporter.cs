using System.Text.Encodings.Web;
using System.Text.Json;
using KvmTune.Core.Rules;

namespace KvmTune.Reports.Lint;

/// <summary>
/// Writes lint results as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format): one run whose
/// tool.driver lists the whole rule catalog, one result per finding located at its <c>&lt;disk&gt;</c> element.
/// </summary>
public sealed class LintSarifExporter(string toolVersion)
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Export(IReadOnlyList<DomainLintResult> results, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(writer);
        var rules = RuleCatalog.All;
        using (var output = new JsonTextOutput(writer, Options))
        {
            var json = output.Writer;
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "kvmtune");
            json.WriteString("version", toolVersion);
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("results");
            foreach (var result in results)
            {
                foreach (var located in result.Findings)
                {
                    var index = IndexOf(rules, located.Finding.Code);
                    WriteResult(json, result, located, index);
                }
                output.Drain();
            }
            json.WriteEndArray();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    /// <summary>SARIF's level for a severity: error, warning, note.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>
    /// A URI reference for a file argument: relative paths stay relative (forward slashes, escaped segments),
    /// absolute paths become <c>file://</c> URIs.
    /// </summary>
    public static string ArtifactUri(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.IsPathRooted(path))
        {
            return new Uri(path).AbsoluteUri;
        }
        return string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>
    /// The artifact URI of an input that is not a file: <c>stdin</c> for standard input, the label as a URI for a domain
    /// read over libvirt (<c>qemu:///system/NAME</c>), else the label escaped as a relative reference.
    /// </summary>
    public static string InputUri(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label is "<stdin>" or "-")
        {
            return "stdin";
        }
        var scheme = label.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            // Escape each path segment (a domain name may hold spaces or '#'), keep the scheme and authority.
            var afterAuthority = label.IndexOf('/', scheme + 3);
            if (afterAuthority < 0)
            {
                return label;
            }
            var path = label[afterAuthority..].Split('/').Select(Uri.EscapeDataString);
            return label[..afterAuthority] + string.Join('/', path);
        }
        return Uri.EscapeDataString(label);
    }

    private static void WriteRule(Utf8JsonWriter json, IRule rule)
    {
        json.WriteStartObject();
        json.WriteString("id", rule.Code);
        json.WriteString("name", rule.GetType().Name.Replace("Rule", "", StringComparison.Ordinal));
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule.Title);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", rule.Rationale);
        json.WriteEndObject();
        var fix = rule is DiskRule { Fix: { } f } ? f : null;
        json.WriteStartObject("help");
        json.WriteString("text", fix is null ? rule.Rationale : $"{rule.Rationale} Fix: {fix}.");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, DomainLintResult result, LocatedFinding located, int ruleIndex)
    {
        var finding = located.Finding;
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Code);
        if (ruleIndex >= 0)
        {
            json.WriteNumber("ruleIndex", ruleIndex);
        }
        json.WriteString("level", Level(finding.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", finding.Fix is null ? finding.Message : $"{finding.Message} (fix: {finding.Fix})");
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        // Every result has a physical location: SARIF consumers (GitHub code scanning among them) drop results without
        // one. A file is its path; standard input is "stdin"; a domain read over libvirt is the connection URI + name.
        {
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", result.File is { } file ? ArtifactUri(file) : InputUri(result.Label));
            json.WriteEndObject();
            if (located.Line is { } line)
            {
                json.WriteStartObject("region");
                json.WriteNumber("startLine", line);
                if (located.Column is { } column)
                {
                    json.WriteNumber("startColumn", column);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("name", finding.Disk);
        json.WriteString("fullyQualifiedName", $"{result.Domain ?? result.Label}/{finding.Disk}");
        json.WriteString("kind", "member");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteString("source", result.Label);
        json.WriteString("domain", result.Domain);
        json.WriteString("severity", finding.SeverityText);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static int IndexOf(IReadOnlyList<IRule> rules, string code)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Code == code)
            {
                return i;
            }
        }
        return -1;
    }
}
