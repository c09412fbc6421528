using System.Text.Encodings.Web;
using System.Text.Json;
using KvmTune.Core.Rules;

namespace KvmTune.Reports.Lint;

/// <summary>
/// Writes lint results as JSON:
/// <c>{"results":[{"file":…,"source":…,"domain":…,"findings":[{"code","severity","disk","message","fix","line"}]}],"summary":{…}}</c>.
/// </summary>
public sealed class LintJsonExporter(bool indented = true)
{
    private readonly JsonWriterOptions _options = new()
    {
        Indented = indented,
        // Messages quote libvirt's spelling (cache='none'); keep the quotes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Export(IReadOnlyList<DomainLintResult> results, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(writer);
        using (var output = new JsonTextOutput(writer, _options))
        {
            var json = output.Writer;
            json.WriteStartObject();
            json.WriteStartArray("results");
            foreach (var result in results)
            {
                WriteResult(json, result);
                output.Drain();
            }
            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("domains", results.Count);
            json.WriteNumber("error", results.Sum(r => r.Count(Severity.Error)));
            json.WriteNumber("warning", results.Sum(r => r.Count(Severity.Warning)));
            json.WriteNumber("info", results.Sum(r => r.Count(Severity.Info)));
            json.WriteEndObject();
            json.WriteEndObject();
        }
    }

    private static void WriteResult(Utf8JsonWriter json, DomainLintResult result)
    {
        json.WriteStartObject();
        json.WriteString("file", result.File);
        json.WriteString("source", result.Label);
        json.WriteString("domain", result.Domain);
        json.WriteStartArray("findings");
        foreach (var located in result.Findings)
        {
            var finding = located.Finding;
            json.WriteStartObject();
            json.WriteString("code", finding.Code);
            json.WriteString("severity", finding.SeverityText);
            json.WriteString("disk", finding.Disk);
            json.WriteString("message", finding.Message);
            json.WriteString("fix", finding.Fix);
            if (located.Line is { } line)
            {
                json.WriteNumber("line", line);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
