using System.ComponentModel;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Settings;

/// <summary>The results store option every command that reads or writes runs takes.</summary>
internal class StoreSettings : CommandSettings
{
    [CommandOption("--db <DB>")]
    [Description("The results store: a SQLite file or a postgresql:// URL (default: $KVMTUNE_DB, then db = in kvmtune.conf, then kvmtune.db in the data directory).")]
    public string? Db { get; init; }
}
