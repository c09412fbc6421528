using System.Text.Encodings.Web;
using System.Text.Json;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>The report model as indented JSON (snake_case keys), for automation.</summary>
public sealed class JsonReportExporter : IReportExporter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Format => "json";

    public string Extension => ".json";

    public string Export(ReportModel model) => JsonSerializer.Serialize(model, Options) + "\n";
}
