using KvmTune.Core.Serialization;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>The report model as JSON (<see cref="JsonConvention"/>: snake_case keys, numbers as numbers), for automation.</summary>
public sealed class JsonReportExporter : IReportExporter
{
    public string Format => "json";

    public string Extension => ".json";

    public string Export(ReportModel model) => JsonConvention.Serialize(model) + "\n";
}
