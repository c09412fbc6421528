using System.Globalization;

namespace KvmTune.Core.Fleet;

/// <summary>One host of an inventory, its variables flattened the way Ansible does (all, then parent groups before
/// child groups, then the host's own), and every group it is in (directly or through child groups).</summary>
public sealed record InventoryHost(string Name, IReadOnlyDictionary<string, string?> Vars, IReadOnlyList<string> Groups);

/// <summary>
/// The hosts of an Ansible inventory (INI or YAML) or of a list of libvirt URIs, and the libvirt URI of each:
/// <c>qemu+ssh://ansible_user@ansible_host:ansible_port/system</c>, with <c>ansible_ssh_private_key_file</c> as
/// <c>?keyfile=</c> and <c>ansible_host_key_checking=false</c> as <c>no_verify=1</c>; <c>ansible_connection=local</c>
/// is <c>qemu:///system</c>; a host variable <c>kvmtune_libvirt_uri</c> overrides all of it.
/// </summary>
public sealed class Inventory
{
    internal Inventory(string source, IReadOnlyList<InventoryHost> hosts, IReadOnlyList<HostTarget>? uris = null)
    {
        Source = source;
        Hosts = hosts;
        _uris = uris;
    }

    private readonly IReadOnlyList<HostTarget>? _uris;

    /// <summary>Where the inventory came from (a path), for messages.</summary>
    public string Source { get; }

    /// <summary>The hosts, in the order they first appear.</summary>
    public IReadOnlyList<InventoryHost> Hosts { get; }

    /// <summary>
    /// The hosts to read, as libvirt targets; with <paramref name="limit"/> only the hosts named there or in a group
    /// named there (Ansible's <c>--limit a,b</c> without patterns). A name that is neither is bad input.
    /// </summary>
    public IReadOnlyList<HostTarget> Targets(IReadOnlyList<string>? limit = null)
    {
        var all = _uris ?? [.. Hosts.Select(h => new HostTarget(h.Name, LibvirtUri(h), h.Groups))];
        if (limit is null || limit.Count == 0)
        {
            return all;
        }
        foreach (var name in limit)
        {
            if (!all.Any(t => t.Name == name || t.Groups.Contains(name)))
            {
                throw new InputException($"{Source}: --limit {name}: no such host or group");
            }
        }
        return [.. all.Where(t => limit.Contains(t.Name) || t.Groups.Any(limit.Contains))];
    }

    /// <summary>The libvirt URI that reaches an inventory host (see the class summary).</summary>
    public static string LibvirtUri(InventoryHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string? Var(params string[] names) =>
            names.Select(n => host.Vars.TryGetValue(n, out var v) ? v : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        if (Var("kvmtune_libvirt_uri") is { } explicitUri)
        {
            return explicitUri;
        }
        if (Var("ansible_connection") == "local")
        {
            return "qemu:///system";
        }
        var address = Var("ansible_host", "ansible_ssh_host") ?? host.Name;
        if (address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('['))
        {
            address = $"[{address}]";
        }
        var user = Var("ansible_user", "ansible_ssh_user");
        var port = Var("ansible_port", "ansible_ssh_port");
        if (port is not null && !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new InputException($"host {host.Name}: ansible_port '{port}' is not a number");
        }
        var query = new List<string>();
        if (Var("ansible_ssh_private_key_file", "ansible_private_key_file") is { } key)
        {
            query.Add("keyfile=" + Escape(key));
        }
        if (Var("ansible_host_key_checking", "ansible_ssh_host_key_checking") is { } check && IsFalse(check))
        {
            query.Add("no_verify=1");
        }
        return $"qemu+ssh://{(user is null ? "" : Escape(user) + "@")}{address}{(port is null ? "" : ":" + port)}/system"
            + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    private static bool IsFalse(string value) =>
        value.Trim().ToLowerInvariant() is "false" or "no" or "0" or "off" or "n" or "f";

    // libvirt unescapes query values; a path keeps its slashes readable.
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal);
}

/// <summary>Collects hosts, groups, children and variables as a parser reads them; <see cref="Build"/> flattens them.</summary>
internal sealed class InventoryBuilder(string source)
{
    private readonly List<string> _hostOrder = [];
    private readonly Dictionary<string, Dictionary<string, string?>> _hostVars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _groupHosts = new(StringComparer.Ordinal) { ["all"] = [] };
    private readonly Dictionary<string, HashSet<string>> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string?>> _groupVars = new(StringComparer.Ordinal);

    public void AddGroup(string group)
    {
        _groupHosts.TryAdd(group, []);
    }

    public void AddHost(string group, string host, IEnumerable<KeyValuePair<string, string?>> vars)
    {
        AddGroup(group);
        _groupHosts[group].Add(host);
        if (!_hostVars.TryGetValue(host, out var existing))
        {
            _hostOrder.Add(host);
            _hostVars[host] = existing = new Dictionary<string, string?>(StringComparer.Ordinal);
        }
        foreach (var (k, v) in vars)
        {
            existing[k] = v;
        }
    }

    public void AddChild(string parent, string child)
    {
        AddGroup(parent);
        AddGroup(child);
        if (!_children.TryGetValue(parent, out var set))
        {
            _children[parent] = set = [];
        }
        set.Add(child);
    }

    public void AddGroupVars(string group, IEnumerable<KeyValuePair<string, string?>> vars)
    {
        AddGroup(group);
        if (!_groupVars.TryGetValue(group, out var existing))
        {
            _groupVars[group] = existing = new Dictionary<string, string?>(StringComparer.Ordinal);
        }
        foreach (var (k, v) in vars)
        {
            existing[k] = v;
        }
    }

    public Inventory Build()
    {
        // Every group but all is a child of all; depth = longest path from all (Ansible applies shallow groups first).
        var parents = _groupHosts.Keys.ToDictionary(g => g, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (parent, children) in _children)
        {
            foreach (var child in children)
            {
                parents[child].Add(parent);
            }
        }
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string group, HashSet<string> path)
        {
            if (group == "all")
            {
                return 0;
            }
            if (depth.TryGetValue(group, out var known))
            {
                return known;
            }
            if (!path.Add(group))
            {
                throw new InputException($"{source}: group '{group}' is its own child (a cycle of :children)");
            }
            var d = 1 + parents[group].Where(p => p != "all").Select(p => Depth(p, path)).DefaultIfEmpty(0).Max();
            path.Remove(group);
            return depth[group] = d;
        }
        var order = _groupHosts.Keys.OrderBy(g => Depth(g, []), Comparer<int>.Default).ThenBy(g => g, StringComparer.Ordinal).ToList();

        // A host is in a group when it is in the group or in any of its children, transitively.
        var members = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> Members(string group)
        {
            if (members.TryGetValue(group, out var known))
            {
                return known;
            }
            var set = new HashSet<string>(_groupHosts[group], StringComparer.Ordinal);
            foreach (var child in _children.GetValueOrDefault(group) ?? [])
            {
                set.UnionWith(Members(child));
            }
            return members[group] = set;
        }
        var hosts = new List<InventoryHost>(_hostOrder.Count);
        foreach (var host in _hostOrder)
        {
            var groups = order.Where(g => g == "all" || Members(g).Contains(host)).ToList();
            var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var group in groups)
            {
                foreach (var (k, v) in _groupVars.GetValueOrDefault(group) ?? [])
                {
                    vars[k] = v;
                }
            }
            foreach (var (k, v) in _hostVars[host])
            {
                vars[k] = v;
            }
            hosts.Add(new InventoryHost(host, vars, [.. groups.Where(g => g != "all").Order(StringComparer.Ordinal)]));
        }
        return new Inventory(source, hosts);
    }
}
