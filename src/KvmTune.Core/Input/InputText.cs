using System.Text;

namespace KvmTune.Core.Input;

/// <summary>
/// Turns the bytes of a user's input into text, strictly: invalid UTF-8 is refused with the input's name and the
/// byte offset of the first bad sequence, never replaced silently. Also the helpers that keep error messages to one
/// line whatever the input holds.
/// </summary>
public static class InputText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Decodes UTF-8. A leading byte-order mark is kept as U+FEFF when <paramref name="keepByteOrderMark"/> (nova.conf:
    /// the text is written back byte for byte), else dropped (domain XML, policies). Throws <see cref="InputException"/>
    /// naming <paramref name="source"/> and the byte offset of the first invalid sequence.
    /// </summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string source, bool keepByteOrderMark = false)
    {
        var skipped = 0;
        if (!keepByteOrderMark && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            skipped = 3;
            bytes = bytes[3..];
        }
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Strict.GetString(bytes);
        }
        var offset = FirstInvalidOffset(bytes) + skipped;
        throw new InputException($"{source}: invalid UTF-8 at byte offset {offset}; the input must be UTF-8 text");
    }

    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence, or -1 when all are valid.</summary>
    public static long FirstInvalidOffset(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return -1;
    }

    /// <summary>
    /// A value quoted in a one-line message: control characters (newlines included) shown as <c>\n</c>, <c>\xNN</c>,
    /// and at most <paramref name="max"/> characters, the rest elided with its length.
    /// </summary>
    public static string Quote(string value, int max = 60)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(Math.Min(value.Length, max) + 16);
        var truncated = false;
        foreach (var c in value)
        {
            // The limit counts what is shown: an escaped control character takes four.
            if (sb.Length >= max)
            {
                truncated = true;
                break;
            }
            _ = c switch
            {
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' => sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => sb.Append(c),
            };
        }
        if (truncated)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"… ({value.Length} characters)");
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="message"/> is one line: no CR, LF or other line separator.</summary>
    public static bool IsOneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.AsSpan().IndexOfAny("\r\n\u0085\u2028\u2029") < 0;
    }

    /// <summary>Makes any text one line (line breaks and control characters escaped) for a message.</summary>
    public static string OneLine(string text) => Quote(text, int.MaxValue);

    /// <summary><paramref name="value"/> with every character XML 1.0 cannot hold (NUL, most C0 controls, lone surrogates) replaced by U+FFFD.</summary>
    public static string ToXmlText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (i + 1 < value.Length && System.Xml.XmlConvert.IsXmlSurrogatePair(value[i + 1], c))
            {
                sb?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            if (System.Xml.XmlConvert.IsXmlChar(c))
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(value, 0, i, value.Length);
            sb.Append('\uFFFD');
        }
        return sb?.ToString() ?? value;
    }
}
