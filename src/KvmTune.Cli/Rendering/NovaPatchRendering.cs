using System.Globalization;
using KvmTune.Services.Nova;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

/// <summary>How <c>nova patch</c> shows a tree's state (<c>--check</c>) and a patch or revert with its verification.</summary>
internal static class NovaPatchRendering
{
    public static void RenderCheck(CliOutput output, NovaTreeReport r)
    {
        var what = r.State switch
        {
            "patched" => $"patched (shape {r.Shape}): nova honours [libvirt] disk_io_modes",
            "stock" => $"stock (shape {r.Shape}): nova ignores [libvirt] disk_io_modes; kvmtune nova patch --yes patches it",
            _ => $"unknown: {r.Reason}",
        };
        output.Out.WriteLine($"{r.NovaDir} (nova {r.Version ?? "of unknown version"}{(r.DpkgPackage is null ? "" : $", {r.DpkgPackage}")}): {what}");
        if (r.State == "stock" && r.LastChange is { Action: "patch" } last)
        {
            output.Out.WriteLine($"  KvmTune patched it on {last.Time:yyyy-MM-dd HH:mm} UTC (backup {last.BackupDirectory}): nova's own files are back, most likely by a package upgrade");
        }
        if (r.State == "patched" && r.DpkgModified.Count > 0)
        {
            output.Out.WriteLine($"  dpkg --verify {r.DpkgPackage} reports {string.Join(", ", r.DpkgModified)} as modified: that is the patch");
        }
        foreach (var p in r.NovaCompute.Where(p => p.NeedsRestart))
        {
            output.Out.WriteLine($"  nova-compute pid {p.Pid} started {p.Started:yyyy-MM-dd HH:mm} UTC, before nova's files last changed: restart it");
        }
    }

    public static void Render(CliOutput output, NovaPatchResult r)
    {
        output.Out.Write(r.Diff);
        if (r.Verification is { } v)
        {
            var console = output.Console;
            console.MarkupLine($"[bold]verification[/] of {Markup.Escape(r.Tree.NovaDir)}");
            console.MarkupLine(Markup.Escape($"  the patched nova imports; disk_io_modes {(v.OptionRegistered ? "is" : "is NOT")} a registered option"));
            console.MarkupLine(Markup.Escape($"  {v.Disks} disks built from {v.Confs} nova.conf files: {v.FieldsCompared} fields compared with KvmTune's simulation, {v.Mismatches.Count} differ"));
            if (v.Io.Count > 0)
            {
                var table = new Table().AddColumns("disk", "source", "disk_io_modes", "io nova writes");
                foreach (var io in v.Io)
                {
                    table.AddRow(Markup.Escape(io.Case), Markup.Escape(io.SourceType), Markup.Escape(io.Expected ?? "(none)"), Markup.Escape(io.Nova ?? "(none)"));
                }
                console.Write(table);
            }
            if (v.UnitTests is { } t)
            {
                console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"  nova unit tests (stestr): {t.Ran} ran, {t.Passed} passed, {t.Skipped} skipped, {t.ExpectedFailures} expected failures, {t.Failed} failed in {t.Seconds:0.#} s")));
            }
            foreach (var problem in v.Problems)
            {
                console.MarkupLine(Markup.Escape($"  problem: {problem}"));
            }
        }
        if (r.Written)
        {
            output.Error.WriteLine($"{(r.Action == "revert" ? "reverted" : "patched")} {r.Tree.NovaDir}; the previous files are in {r.BackupDirectory}");
        }
        if (r.Failure is not null)
        {
            output.Error.WriteLine($"kvmtune: {r.Failure}");
        }
        foreach (var note in r.Notes)
        {
            output.Error.WriteLine(note.StartsWith("dry run", StringComparison.Ordinal) || note.Contains("nothing to", StringComparison.Ordinal) ? note : $"note: {note}");
        }
    }
}
