using System.Reflection;

namespace KvmTune.Cli;

/// <summary>KvmTune's version, from <c>&lt;Version&gt;</c> in Directory.Build.props (the one place it is set).</summary>
internal static class KvmTuneVersion
{
    public static string Text { get; } =
        typeof(KvmTuneVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
