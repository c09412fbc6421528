using KvmTune.Core.Measurement;

namespace KvmTune.Host.Engines;

/// <summary>The measurement engines this build has.</summary>
public static class EngineRegistry
{
    /// <summary>A new engine of the given kind, or null when this build has none.</summary>
    public static IMeasurementEngine? Create(Engine kind) => kind switch
    {
        Engine.Host => new FioEngine(),
        Engine.Qemu => new QemuImgBenchEngine(),
        Engine.Guest => new GuestEngine(),
        _ => null,
    };

    /// <summary>The program each engine runs (checked before anything is created).</summary>
    public static string Program(Engine kind) => kind switch
    {
        Engine.Host => "fio",
        Engine.Qemu => "qemu-img",
        _ => "qemu-system-x86_64",
    };
}
