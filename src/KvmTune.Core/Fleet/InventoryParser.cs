using System.Text;
using System.Text.RegularExpressions;

namespace KvmTune.Core.Fleet;

/// <summary>
/// Reads the hosts file of <c>--hosts</c>: an Ansible inventory in INI or YAML (hosts, groups, <c>:children</c>,
/// <c>:vars</c>, host ranges, <c>host:port</c>, <c>ansible_host</c>/<c>ansible_user</c>/<c>ansible_port</c>), or a plain
/// list of libvirt URIs, one a line (<c>#</c> comments). Pure: the caller reads the file.
/// </summary>
public static partial class InventoryParser
{
    /// <summary>Parses <paramref name="text"/>, read from <paramref name="source"/> (a path, used in messages and to
    /// recognise <c>.yml</c>/<c>.yaml</c>). An inventory without a host is bad input.</summary>
    public static Inventory Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var meaningful = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';')).ToList();
        if (meaningful.Count == 0)
        {
            throw new InputException($"{source}: no host in the file");
        }
        Inventory inventory;
        if (meaningful[0].Contains("://", StringComparison.Ordinal))
        {
            inventory = ParseUris(text, source);
        }
        else if (source.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || meaningful[0] == "---" || YamlKeyLine().IsMatch(meaningful[0]))
        {
            inventory = ParseYaml(text, source);
        }
        else
        {
            inventory = ParseIni(text, source);
        }
        if (inventory.Hosts.Count == 0)
        {
            throw new InputException($"{source}: no host in the inventory");
        }
        return inventory;
    }

    private static Inventory ParseUris(string text, string source)
    {
        var targets = new List<HostTarget>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            if (!UriLine().IsMatch(line))
            {
                throw new InputException($"{source}:{number}: '{line}' is not a libvirt URI (driver[+transport]://[user@][host][:port]/path)");
            }
            if (!targets.Any(t => t.Uri == line))
            {
                targets.Add(HostTarget.FromUri(line));
            }
        }
        return new Inventory(source, [.. targets.Select(t => new InventoryHost(t.Name, new Dictionary<string, string?>(), []))], targets);
    }

    private static Inventory ParseIni(string text, string source)
    {
        var builder = new InventoryBuilder(source);
        var section = "ungrouped";
        var kind = "hosts";
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            var where = $"{source}:{number}";
            if (line[0] == '[')
            {
                var close = line.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || line[(close + 1)..].Trim() is { Length: > 0 } after && after[0] is not ('#' or ';'))
                {
                    throw new InputException($"{where}: malformed section header '{line}'");
                }
                var header = line[1..close].Trim();
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                (section, kind) = colon < 0 ? (header, "hosts") : (header[..colon], header[(colon + 1)..]);
                if (section.Length == 0 || kind is not ("hosts" or "vars" or "children"))
                {
                    throw new InputException($"{where}: section [{header}]: expected [GROUP], [GROUP:vars] or [GROUP:children]");
                }
                builder.AddGroup(section);
                continue;
            }
            switch (kind)
            {
                case "vars":
                    var eq = line.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new InputException($"{where}: [{section}:vars] expects key=value, found '{line}'");
                    }
                    builder.AddGroupVars(section, [new(line[..eq].Trim(), UnquoteIni(line[(eq + 1)..].Trim()))]);
                    break;
                case "children":
                    builder.AddChild(section, Words(line, where)[0]);
                    break;
                default:
                    var words = Words(line, where);
                    var vars = new List<KeyValuePair<string, string?>>();
                    foreach (var word in words.Skip(1))
                    {
                        var at = word.IndexOf('=', StringComparison.Ordinal);
                        if (at <= 0)
                        {
                            throw new InputException($"{where}: '{word}' after host {words[0]} is not key=value");
                        }
                        vars.Add(new(word[..at], word[(at + 1)..]));
                    }
                    var (pattern, port) = SplitPort(words[0]);
                    if (port is not null)
                    {
                        vars.Add(new("ansible_port", port));
                    }
                    foreach (var host in HostRange.Expand(pattern, where))
                    {
                        builder.AddHost(section, host, vars);
                    }
                    break;
            }
        }
        return builder.Build();
    }

    private static Inventory ParseYaml(string text, string source)
    {
        var root = YamlSubset.Parse(text, source);
        if (root is not YamlMapping groups)
        {
            throw new InputException($"{source}: a YAML inventory is a mapping of groups (all:, webservers:, …)");
        }
        var builder = new InventoryBuilder(source);
        foreach (var (name, node) in groups.Entries)
        {
            YamlGroup(builder, name, node, source);
        }
        return builder.Build();
    }

    private static void YamlGroup(InventoryBuilder builder, string group, YamlNode node, string source)
    {
        builder.AddGroup(group);
        if (node is YamlScalar { Value: null })
        {
            return;
        }
        if (node is not YamlMapping map)
        {
            throw new InputException($"{source}:{node.Line}: group '{group}' must be a mapping of hosts:, vars: and children:");
        }
        for (var i = 0; i < map.Entries.Count; i++)
        {
            var (key, value) = map.Entries[i];
            switch (key)
            {
                case "hosts":
                    foreach (var (pattern, hostNode) in Entries(value, source, $"hosts of group '{group}'"))
                    {
                        var vars = Entries(hostNode, source, $"variables of host '{pattern}'").Select(e => new KeyValuePair<string, string?>(e.Key, Text(e.Value))).ToList();
                        var (name, port) = SplitPort(pattern);
                        if (port is not null)
                        {
                            vars.Add(new("ansible_port", port));
                        }
                        foreach (var host in HostRange.Expand(name, $"{source}:{hostNode.Line}"))
                        {
                            builder.AddHost(group, host, vars);
                        }
                    }
                    break;
                case "vars":
                    builder.AddGroupVars(group, Entries(value, source, $"vars of group '{group}'").Select(e => new KeyValuePair<string, string?>(e.Key, Text(e.Value))));
                    break;
                case "children":
                    foreach (var (child, childNode) in Entries(value, source, $"children of group '{group}'"))
                    {
                        builder.AddChild(group, child);
                        YamlGroup(builder, child, childNode, source);
                    }
                    break;
                default:
                    throw new InputException($"{source}:{map.KeyLines[i]}: group '{group}' has '{key}:'; expected hosts:, vars: or children:");
            }
        }
    }

    private static IReadOnlyList<KeyValuePair<string, YamlNode>> Entries(YamlNode node, string source, string what) => node switch
    {
        YamlMapping m => m.Entries,
        YamlScalar { Value: null } => [],
        _ => throw new InputException($"{source}:{node.Line}: the {what} must be a mapping"),
    };

    /// <summary>A variable's value as text: a scalar as it is; a collection in flow form (KvmTune reads only scalars).</summary>
    private static string? Text(YamlNode node) => node switch
    {
        YamlScalar s => s.Value,
        YamlSequence q => "[" + string.Join(", ", q.Items.Select(Text)) + "]",
        YamlMapping m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Text(e.Value)}")) + "}",
        _ => null,
    };

    /// <summary><c>host:port</c> (one colon outside brackets, digits after it) → the host and the port.</summary>
    private static (string Host, string? Port) SplitPort(string pattern)
    {
        var match = HostPort().Match(pattern);
        return match.Success && pattern.Count(c => c == ':') - pattern.Count(c => c == '[') == 1
            ? (match.Groups[1].Value, match.Groups[2].Value)
            : (pattern, null);
    }

    /// <summary>An INI host line split as Python's shlex does it: spaces separate, quotes group, '#' starts a comment.</summary>
    private static List<string> Words(string line, string where)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quote = '\0';
        var inWord = false;
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (quote != '\0')
        {
            throw new InputException($"{where}: unterminated quote in '{line}'");
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    private static string UnquoteIni(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    [GeneratedRegex(@"^[^\s\[=#;][^=]*:\s*(#.*)?$")]
    private static partial Regex YamlKeyLine();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(\+[a-z0-9]+)?://[^\s]*$")]
    private static partial Regex UriLine();

    [GeneratedRegex(@"^(.+):([0-9]+)$")]
    private static partial Regex HostPort();
}
