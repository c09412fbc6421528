using KvmTune.Core.Input;

namespace KvmTune.Core.Tests.Input;

public class InputTextTests
{
    [Fact]
    public void Invalid_utf8_is_refused_with_the_source_and_the_byte_offset()
    {
        // Given "<domain>" then a lone continuation byte at offset 8
        byte[] bytes = [.. "<domain>"u8, 0x80, .. "</domain>"u8];

        var e = Assert.Throws<InputException>(() => InputText.DecodeUtf8(bytes, "vm.xml"));

        Assert.Equal("vm.xml: invalid UTF-8 at byte offset 8; the input must be UTF-8 text", e.Message);
    }

    [Fact]
    public void The_offset_counts_a_dropped_byte_order_mark()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "ab"u8, 0xC3];

        var e = Assert.Throws<InputException>(() => InputText.DecodeUtf8(bytes, "in"));

        Assert.Contains("byte offset 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_is_dropped_or_kept_as_asked()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "[DEFAULT]\n"u8];

        Assert.Equal("[DEFAULT]\n", InputText.DecodeUtf8(bytes, "x"));
        Assert.Equal("\uFEFF[DEFAULT]\n", InputText.DecodeUtf8(bytes, "x", keepByteOrderMark: true));
    }

    [Fact]
    public void Valid_multibyte_text_decodes_unchanged()
    {
        Assert.Equal("cache='none' × 2 – ok", InputText.DecodeUtf8("cache='none' × 2 – ok"u8, "x"));
    }

    [Fact]
    public void A_quoted_value_is_one_line_and_long_values_are_elided_with_their_length()
    {
        var quoted = InputText.Quote("line1\nline2\r\0" + new string('x', 200), 20);

        Assert.True(InputText.IsOneLine(quoted));
        Assert.StartsWith("line1\\nline2\\r\\x00", quoted, StringComparison.Ordinal);
        Assert.EndsWith("… (213 characters)", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_xml_cannot_hold_are_replaced_and_surrogate_pairs_kept()
    {
        Assert.Equal("/var/\uFFFDlib/😀", InputText.ToXmlText("/var/\0lib/😀"));
        Assert.Same("plain", InputText.ToXmlText("plain"));
    }
}
