namespace KvmTune.Core.Measurement;

/// <summary>Where a measurement runs.</summary>
public enum Engine
{
    /// <summary>fio straight on the backing file (direct=1) or device: the physical ceiling.</summary>
    Host,
    /// <summary>QEMU's block layer in process (<c>qemu-img bench</c>).</summary>
    Qemu,
    /// <summary>fio inside a micro-VM.</summary>
    Guest,
}

public static class Engines
{
    public static string ToName(this Engine engine) => engine.ToString().ToLowerInvariant();

    public static Engine? Parse(string? name) => name switch
    {
        "host" => Engine.Host,
        "qemu" => Engine.Qemu,
        "guest" => Engine.Guest,
        _ => null,
    };
}
