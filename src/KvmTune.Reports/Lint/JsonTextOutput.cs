using System.Text;
using System.Text.Json;

namespace KvmTune.Reports.Lint;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> that hands its output to a <see cref="TextWriter"/> piece by piece
/// (<see cref="Drain"/>), so a large report is never held whole in memory.
/// </summary>
internal sealed class JsonTextOutput : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly TextWriter _target;

    public JsonTextOutput(TextWriter target, JsonWriterOptions options)
    {
        _target = target;
        Writer = new Utf8JsonWriter(_buffer, options);
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>Moves what has been written so far to the text writer. Call between complete values.</summary>
    public void Drain()
    {
        Writer.Flush();
        if (_buffer.Length > 0)
        {
            _target.Write(Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
            _buffer.SetLength(0);
        }
    }

    public void Dispose()
    {
        Drain();
        _target.WriteLine();
        Writer.Dispose();
        _buffer.Dispose();
    }
}
