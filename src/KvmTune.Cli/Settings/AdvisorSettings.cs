using System.ComponentModel;
using KvmTune.Core.Decisions;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Settings;

/// <summary>
/// The advisor's constraints, shared by <c>tune</c> and <c>report</c> (which decide with them) and <c>bench</c> (which,
/// as <c>tune</c> does, measures only the candidates they allow unless <c>--cache</c> names the mode, and gives its
/// race's extra repeats to them).
/// </summary>
internal class AdvisorSettings : StoreSettings
{
    [CommandOption("--safety <LEVEL>")]
    [Description("flush (default): guest flushes must reach stable storage (excludes unsafe); sync: every write durable (writethrough, directsync); any.")]
    [TypeConverter(typeof(SafetyConverter))]
    public SafetyLevel Safety { get; init; } = SafetyLevel.Flush;

    [CommandOption("--migration")]
    [Description("Only cache modes that live-migrate safely on this host (none, directsync; others with QEMU >= 4.0).")]
    public bool Migration { get; init; }

    [CommandOption("--snapshots")]
    [Description("Only backends with internal snapshots (qcow2).")]
    public bool Snapshots { get; init; }

    [CommandOption("--workload <PROFILES>")]
    [Description("Profiles that count and their weights: PROFILE[[=weight]],… (default: every measured profile, weight 1).")]
    [TypeConverter(typeof(WorkloadConverter))]
    public ProfileWeight[]? Workload { get; init; }

    [CommandOption("--margin <MARGIN>")]
    [Description("Practical-equivalence margin (default 10%): a less safe or less simple candidate wins only when it is faster by more than this, with 95% confidence.")]
    [TypeConverter(typeof(MarginConverter))]
    public double Margin { get; init; } = Equivalence.DefaultMargin;

    [CommandOption("--fresh")]
    [Description("Decide without the standing recommendation: by default the previous run of the same plan on this host, under the same constraints, keeps its winner unless a candidate beats it by more than the margin.")]
    public bool Fresh { get; init; }

    /// <summary>The constraints the options give.</summary>
    public AdvisorConstraints ToConstraints() => new()
    {
        Safety = Safety,
        Migration = Migration,
        Snapshots = Snapshots,
        Workload = Workload ?? [],
        Margin = Margin,
        Fresh = Fresh,
    };
}
