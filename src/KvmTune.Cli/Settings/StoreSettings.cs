using System.ComponentModel;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Settings;

/// <summary>The results store option every command that reads or writes runs takes.</summary>
internal class StoreSettings : CommandSettings
{
    [CommandOption("--db <FILE>")]
    [Description("The results store (default: kvmtune.db in the data directory).")]
    public string? Db { get; init; }
}
