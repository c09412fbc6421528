using System.ComponentModel;
using System.Globalization;
using KvmTune.Core;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Cli.Settings;

/// <summary>
/// A type converter for one option: the parser turns the option's text into its typed value, and bad text becomes
/// one line naming the option and what it accepts (<see cref="InputException"/>, exit 2).
/// </summary>
internal abstract class OptionConverter<T> : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => Parse((string)value);

    protected abstract T Parse(string text);

    /// <summary>A comma-separated list; each item parsed by <paramref name="parse"/>, unknown items named.</summary>
    protected static TItem[] List<TItem>(string text, string option, Func<string, TItem?> parse, string known, string what = "")
        where TItem : class
    {
        var items = Split(text, option);
        var unknown = what.Length == 0 ? "unknown" : $"unknown {what}";
        return [.. items.Select(name => parse(name) ?? throw new InputException($"{option} {name}: {unknown} (known: {known})"))];
    }

    /// <summary>A comma-separated list of values; each item parsed by <paramref name="parse"/>, unknown items named.</summary>
    protected static TItem[] Values<TItem>(string text, string option, Func<string, TItem?> parse, string known)
        where TItem : struct
    {
        var items = Split(text, option);
        return [.. items.Select(name => parse(name) ?? throw new InputException($"{option} {name}: unknown (known: {known})"))];
    }

    private static string[] Split(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length == 0 ? throw new InputException($"{option}: empty list") : items;
    }
}

/// <summary><c>--cache none,writeback,…</c></summary>
internal sealed class CacheListConverter : OptionConverter<CacheMode[]>
{
    protected override CacheMode[] Parse(string text) =>
        Values(text, "--cache", CacheModes.Parse, string.Join(", ", CacheModes.All.Select(m => m.ToLibvirt())));
}

/// <summary><c>--aio threads,native,io_uring</c></summary>
internal sealed class IoListConverter : OptionConverter<IoMode[]>
{
    protected override IoMode[] Parse(string text) =>
        Values(text, "--aio", IoModes.Parse, string.Join(", ", IoModes.All.Select(m => m.ToLibvirt())));
}

/// <summary><c>--backend qcow2-sparse,raw-prealloc,…</c></summary>
internal sealed class BackendListConverter : OptionConverter<Backend[]>
{
    protected override Backend[] Parse(string text) =>
        Values(text, "--backend", Backends.Parse, string.Join(", ", Backends.All.Select(b => b.ToName())));
}

/// <summary><c>--discard unmap,ignore</c></summary>
internal sealed class DiscardListConverter : OptionConverter<DiscardSetting[]>
{
    protected override DiscardSetting[] Parse(string text) => Values(text, "--discard", ImageOptions.ParseDiscard, "unmap, ignore");
}

/// <summary><c>--detect-zeroes off,on,unmap</c></summary>
internal sealed class DetectZeroesListConverter : OptionConverter<DetectZeroesSetting[]>
{
    protected override DetectZeroesSetting[] Parse(string text) => Values(text, "--detect-zeroes", ImageOptions.ParseDetectZeroes, "off, on, unmap");
}

/// <summary><c>--engine host,qemu,guest</c></summary>
internal sealed class EngineListConverter : OptionConverter<Engine[]>
{
    protected override Engine[] Parse(string text) => Values(text, "--engine", Engines.Parse, "host, qemu, guest");
}

/// <summary><c>--profile randread-4k-qd32,…</c> (the presets)</summary>
internal sealed class ProfileListConverter : OptionConverter<WorkloadProfile[]>
{
    protected override WorkloadProfile[] Parse(string text) =>
        List(text, "--profile", WorkloadProfile.Find, string.Join(", ", WorkloadProfile.Presets.Select(p => p.Name)), "profile");
}

/// <summary><c>--safety flush|sync|any</c></summary>
internal sealed class SafetyConverter : OptionConverter<SafetyLevel>
{
    protected override SafetyLevel Parse(string text) => AdvisorConstraints.ParseSafety(text);
}

/// <summary><c>--workload PROFILE[=weight],…</c></summary>
internal sealed class WorkloadConverter : OptionConverter<ProfileWeight[]>
{
    protected override ProfileWeight[] Parse(string text) => [.. AdvisorConstraints.ParseWorkload(text)];
}

/// <summary><c>--margin 10%</c> or <c>0.1</c></summary>
internal sealed class MarginConverter : OptionConverter<double>
{
    protected override double Parse(string text) => AdvisorConstraints.ParseMargin(text);
}

/// <summary><c>--size 1G</c>: 1G, 512M, 65536K or bytes; at least 64 MiB and a whole number of MiB.</summary>
internal sealed class SizeConverter : OptionConverter<long>
{
    protected override long Parse(string text) => ParseSize(text);

    public static long ParseSize(string text)
    {
        var t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = char.ToUpperInvariant(t[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 0 };
            t = t[..^1];
        }
        if (unit == 0 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || number > long.MaxValue / unit)
        {
            throw new InputException($"--size {text}: not a size (examples: 1G, 512M)");
        }
        var bytes = number * unit;
        if (bytes < 64L << 20 || bytes % (1L << 20) != 0)
        {
            throw new InputException($"--size {text}: must be at least 64M and a whole number of MiB");
        }
        return bytes;
    }
}

/// <summary><c>--format table|json</c></summary>
internal sealed class OutputFormatConverter : OptionConverter<OutputFormat>
{
    protected override OutputFormat Parse(string text) => text switch
    {
        "table" => OutputFormat.Table,
        "json" => OutputFormat.Json,
        _ => throw new InputException($"--format {text}: unknown format (table, json)"),
    };
}

/// <summary><c>--format table|json|sarif</c> of <c>lint</c></summary>
internal sealed class LintFormatConverter : OptionConverter<LintFormat>
{
    protected override LintFormat Parse(string text) => text switch
    {
        "table" => LintFormat.Table,
        "json" => LintFormat.Json,
        "sarif" => LintFormat.Sarif,
        _ => throw new InputException($"--format {text}: unknown format (table, json, sarif)"),
    };
}

/// <summary><c>--format html|md|json</c> of <c>report</c></summary>
internal sealed class ReportFormatConverter : OptionConverter<ReportFormat>
{
    protected override ReportFormat Parse(string text) => text switch
    {
        "html" => ReportFormat.Html,
        "md" => ReportFormat.Md,
        "json" => ReportFormat.Json,
        _ => throw new InputException($"--format: unknown report format '{text}' (expected html, md, json)"),
    };
}
