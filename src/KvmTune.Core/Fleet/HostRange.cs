using System.Globalization;

namespace KvmTune.Core.Fleet;

/// <summary>
/// Ansible's host ranges: <c>www[01:50].example.com</c> (leading zeros kept), <c>www[01:50:2]</c> (a stride) and
/// <c>db-[a:f]</c> (letters), inclusive; a name without brackets is itself.
/// </summary>
public static class HostRange
{
    /// <summary>At most this many names from one pattern: a typo such as [1:1000000] stays an error, not a hang.</summary>
    public const int MaxHosts = 100_000;

    public static IReadOnlyList<string> Expand(string pattern, string where)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var open = pattern.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return [pattern];
        }
        var close = pattern.IndexOf(']', open);
        if (close < 0)
        {
            throw new InputException($"{where}: host pattern '{pattern}' has '[' without ']'");
        }
        var parts = pattern[(open + 1)..close].Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new InputException($"{where}: host range '{pattern}' is not [START:END] or [START:END:STEP]");
        }
        var step = 1;
        if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
        {
            throw new InputException($"{where}: host range '{pattern}' has a step that is not a positive number");
        }
        var prefix = pattern[..open];
        var rest = Expand(pattern[(close + 1)..], where);
        var middle = new List<string>();
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end))
        {
            var width = parts[0].Length > 1 && parts[0][0] == '0' ? parts[0].Length : 0;
            for (var i = start; i <= end; i += step)
            {
                middle.Add(i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
                Limit(middle.Count * (long)rest.Count, pattern, where);
            }
        }
        else if (parts[0].Length == 1 && parts[1].Length == 1 && char.IsAsciiLetter(parts[0][0]) && char.IsAsciiLetter(parts[1][0]))
        {
            for (var c = parts[0][0]; c <= parts[1][0]; c = (char)(c + step))
            {
                middle.Add(c.ToString());
            }
        }
        else
        {
            throw new InputException($"{where}: host range '{pattern}' is neither numeric nor single letters");
        }
        if (middle.Count == 0)
        {
            throw new InputException($"{where}: host range '{pattern}' is empty (start after end)");
        }
        return [.. middle.SelectMany(m => rest.Select(r => prefix + m + r))];
    }

    private static void Limit(long count, string pattern, string where)
    {
        if (count > MaxHosts)
        {
            throw new InputException($"{where}: host range '{pattern}' names more than {MaxHosts} hosts");
        }
    }
}
