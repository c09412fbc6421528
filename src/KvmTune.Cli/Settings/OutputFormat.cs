namespace KvmTune.Cli.Settings;

/// <summary><c>--format</c> of commands that print a table or JSON.</summary>
internal enum OutputFormat
{
    /// <summary>A table (or lines) for people.</summary>
    Table,

    /// <summary>One JSON document on stdout (<see cref="Core.Serialization.JsonConvention"/>).</summary>
    Json,
}

/// <summary><c>--format</c> of <c>lint</c>: a table, JSON, or SARIF 2.1.0 for code-scanning tools.</summary>
internal enum LintFormat
{
    Table,
    Json,
    Sarif,
}

/// <summary><c>--format</c> of <c>report</c>.</summary>
internal enum ReportFormat
{
    Html,
    Md,
    Json,
}
