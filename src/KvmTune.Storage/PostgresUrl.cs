using System.Globalization;
using KvmTune.Core;
using Npgsql;

namespace KvmTune.Storage;

/// <summary>
/// A <c>postgresql://</c> (or <c>postgres://</c>) URL as libpq spells it —
/// <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&amp;host=/socket/dir&amp;…]</c> — turned into an
/// Npgsql connection string. A password left out comes from <c>PGPASSWORD</c> or <c>~/.pgpass</c> (Npgsql reads both).
/// </summary>
/// <param name="ConnectionString">The Npgsql connection string.</param>
/// <param name="Display">The URL without its password: what messages and reports show.</param>
public sealed record PostgresUrl(string ConnectionString, string Display)
{
    /// <summary>True for text that is meant as a PostgreSQL URL (whatever else it holds).</summary>
    public static bool IsUrl(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="InputException">Not a well-formed PostgreSQL URL.</exception>
    public static PostgresUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsUrl(url))
        {
            throw Bad(url, "not a postgresql:// URL");
        }
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? "" : Decode(url, rest[(slash + 1)..]);
        var builder = new NpgsqlConnectionStringBuilder { ApplicationName = "kvmtune" };
        string? user = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(url, colon < 0 ? userInfo : userInfo[..colon]);
            builder.Username = user;
            if (colon >= 0)
            {
                builder.Password = Decode(url, userInfo[(colon + 1)..]);
            }
        }
        var (host, port) = HostPort(url, authority);
        if (host.Length > 0)
        {
            builder.Host = host;
        }
        if (port is { } p)
        {
            builder.Port = p;
        }
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Bad(url, $"query parameter '{pair}' has no value");
            }
            var key = pair[..eq];
            var value = Decode(url, pair[(eq + 1)..]);
            switch (key)
            {
                case "host": builder.Host = value; break;
                case "port": builder.Port = Port(url, value); break;
                case "user": builder.Username = user = value; break;
                case "password": builder.Password = value; break;
                case "dbname": builder.Database = value; break;
                case "application_name": builder.ApplicationName = value; break;
                case "connect_timeout": builder.Timeout = Port(url, value); break;
                case "sslmode":
                    builder.SslMode = value switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw Bad(url, $"sslmode '{value}' is none of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                case "sslrootcert": builder.RootCertificate = value; break;
                case "search_path": builder.SearchPath = value; break;
                default: throw Bad(url, $"unknown query parameter '{key}'");
            }
        }
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw Bad(url, "no host (postgresql://USER@HOST[:PORT]/DATABASE, or ?host=/socket/directory)");
        }
        if (string.IsNullOrEmpty(builder.Database))
        {
            throw Bad(url, "no database name (postgresql://USER@HOST[:PORT]/DATABASE)");
        }
        var display = $"postgresql://{(user is null ? "" : Uri.EscapeDataString(user) + "@")}{HostText(builder.Host!)}{(builder.Port == NpgsqlConnection.DefaultPort ? "" : ":" + builder.Port.ToString(CultureInfo.InvariantCulture))}/{Uri.EscapeDataString(builder.Database!)}";
        return new PostgresUrl(builder.ConnectionString, display);
    }

    private static string HostText(string host) => host.StartsWith('/') ? $"[{host}]" : host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private static (string Host, int? Port) HostPort(string url, string authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(url, "an IPv6 address without its closing ']'");
            }
            var after = authority[(close + 1)..];
            return (authority[1..close], after.Length == 0 ? null : after.StartsWith(':') ? Port(url, after[1..]) : throw Bad(url, $"'{after}' after the host"));
        }
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? (Decode(url, authority), null) : (Decode(url, authority[..colon]), Port(url, authority[(colon + 1)..]));
    }

    private static int Port(string url, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw Bad(url, $"'{text}' is not a port number");

    private static string Decode(string url, string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Bad(url, $"bad percent-encoding in '{text}'");
        }
    }

    // The message never repeats the URL: it may hold a password.
    private static InputException Bad(string url, string why) =>
        new($"--db {Redact(url)}: {why}");

    private static string Redact(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        var colon = start < 0 ? -1 : url.IndexOf(':', start + 3);
        return start >= 0 && at > 0 && colon > 0 && colon < at ? url[..colon] + ":…" + url[at..] : url;
    }
}
