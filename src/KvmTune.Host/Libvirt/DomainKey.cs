using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KvmTune.Host.Libvirt;

/// <summary>
/// A domain as libvirt identifies it: the connection's URI and the domain's UUID. Names are not identities: the same
/// name exists under <c>qemu:///session</c> and <c>qemu:///system</c>, and a name can be reused after an undefine.
/// Backups and the per-domain lock are keyed by it.
/// </summary>
/// <param name="Uri">The URI libvirt reports for the connection (virConnectGetURI).</param>
/// <param name="Uuid">The domain's UUID (lower-case, with dashes).</param>
public sealed partial record DomainKey(string Uri, string Uuid)
{
    /// <summary>The key of a domain of an open connection.</summary>
    public static DomainKey Of(LibvirtDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return Create(domain.Connection.Uri, domain.Uuid);
    }

    /// <summary>A key from its parts, checked (a UUID is 36 hex digits and dashes; a URI is not empty).</summary>
    public static DomainKey Create(string uri, string uuid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        ArgumentNullException.ThrowIfNull(uuid);
        var normal = uuid.ToLowerInvariant();
        return UuidPattern().IsMatch(normal)
            ? new DomainKey(uri, normal)
            : throw new ArgumentException($"'{uuid}' is not a domain UUID", nameof(uuid));
    }

    /// <summary>The URI as one file-name component: every byte outside <c>[A-Za-z0-9._-]</c> as <c>%XX</c>.</summary>
    public string UriComponent
    {
        get
        {
            var text = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(Uri))
            {
                var c = (char)b;
                if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
                {
                    text.Append(c);
                }
                else
                {
                    text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            // "." and ".." cannot name a directory of their own.
            return text.ToString() is "." or ".." ? text.Replace(".", "%2E").ToString() : text.ToString();
        }
    }

    public override string ToString() => $"{Uri} {Uuid}";

    /// <summary>The UUID in a domain definition (<c>&lt;uuid&gt;</c>), or null.</summary>
    public static string? UuidIn(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var match = UuidElement().Match(xml);
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"<uuid>\s*([0-9A-Fa-f-]{36})\s*</uuid>")]
    private static partial Regex UuidElement();
}
