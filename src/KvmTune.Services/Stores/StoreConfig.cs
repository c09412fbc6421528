using System.Globalization;
using KvmTune.Core;

namespace KvmTune.Services.Stores;

/// <summary>
/// KvmTune's config file: <c>$XDG_CONFIG_HOME/kvmtune/kvmtune.conf</c> (else <c>~/.config/kvmtune/kvmtune.conf</c>),
/// else <c>/etc/kvmtune/kvmtune.conf</c> — the first that exists. Lines <c>key = value</c>; <c>#</c> starts a comment.
/// Known key: <c>db</c> (a SQLite path or a <c>postgresql://</c> URL). The file may hold a password: keep it 0600.
/// </summary>
/// <param name="File">The file read.</param>
/// <param name="Db">The <c>db</c> value, or null.</param>
public sealed record StoreConfig(string File, string? Db)
{
    public const string SystemFile = "/etc/kvmtune/kvmtune.conf";

    /// <summary>The user's config file (whether or not it exists).</summary>
    public static string UserFile
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var baseDir = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config")
                : xdg;
            return Path.Combine(baseDir, "kvmtune", "kvmtune.conf");
        }
    }

    /// <summary>The first config file that exists, parsed; null when there is none.</summary>
    public static StoreConfig? Load()
    {
        foreach (var file in new[] { UserFile, SystemFile })
        {
            if (System.IO.File.Exists(file))
            {
                return Parse(file, System.IO.File.ReadAllText(file));
            }
        }
        return null;
    }

    /// <exception cref="InputException">A line that is not <c>key = value</c>, or an unknown key (FILE:LINE).</exception>
    public static StoreConfig Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? db = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var where = $"{file}:{(i + 1).ToString(CultureInfo.InvariantCulture)}";
            if (eq <= 0)
            {
                throw new InputException($"{where}: expected 'key = value'");
            }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            db = key switch
            {
                "db" when value.Length > 0 => value,
                "db" => throw new InputException($"{where}: db has no value"),
                _ => throw new InputException($"{where}: unknown key '{key}' (known: db)"),
            };
        }
        return new StoreConfig(file, db);
    }
}
