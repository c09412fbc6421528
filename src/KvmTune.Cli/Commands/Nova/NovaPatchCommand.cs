using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Host.Nova;
using KvmTune.Services.Nova;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova patch</c>: makes the installed nova honour <c>[libvirt] disk_io_modes</c> (dry run unless
/// <c>--yes</c>), or reverts it (<c>--revert</c>), tells patched from stock (<c>--check</c>), or prints the patch
/// (<c>--print</c>). The workflow is <see cref="NovaPatchService"/>.
/// </summary>
internal sealed class NovaPatchCommand(CliOutput output) : AsyncCommand<NovaPatchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--nova-dir <DIR>")]
        [Description("The nova package directory (…/dist-packages/nova) or the directory that holds it. Default: the nova Debian's /usr/bin/python3 imports.")]
        public string? NovaDir { get; init; }

        [CommandOption("--check")]
        [Description("Say whether the tree is patched (exit 0), stock (exit 1) or unknown (exit 2).")]
        public bool Check { get; init; }

        [CommandOption("--revert")]
        [Description("Take the patch out: nova's files back byte for byte (dry run unless --yes).")]
        public bool Revert { get; init; }

        [CommandOption("--print")]
        [Description("Write the patch for the tree's code shape to stdout (for image builds: patch -p1 -d SITE_PACKAGES).")]
        public bool Print { get; init; }

        [CommandOption("--shape <NAME>")]
        [Description("With --print: the patch of this shape (nova-26, master) without looking at a tree.")]
        public string? Shape { get; init; }

        [CommandOption("--yes")]
        [Description("Write the files (default: dry run, print the diff only).")]
        public bool Yes { get; init; }

        [CommandOption("--tests <SCOPE>")]
        [Description("nova unit tests run to verify the patch: focused (default, ~250), libvirt (all of nova/tests/unit/virt/libvirt, ~2,070), none.")]
        [DefaultValue("focused")]
        public string Tests { get; init; } = "focused";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        [CommandOption("--backup-dir <DIR>", IsHidden = true)]
        public string? BackupDir { get; init; }

        public override ValidationResult Validate()
        {
            if (new[] { Check, Revert, Print }.Count(x => x) > 1)
            {
                return ValidationResult.Error("--check, --revert and --print exclude each other");
            }
            if (Shape is not null && !Print)
            {
                return ValidationResult.Error("--shape goes with --print");
            }
            if ((Check || Print) && Yes)
            {
                return ValidationResult.Error($"--yes does nothing with {(Check ? "--check" : "--print")}");
            }
            if (Tests is not ("focused" or "libvirt" or "none"))
            {
                return ValidationResult.Error($"--tests {Tests}: expected focused, libvirt or none");
            }
            return ValidationResult.Success();
        }

        public NovaPatchOptions Options => new(NovaDir, BackupDir, Tests switch
        {
            "libvirt" => NovaUnitTestScope.Libvirt,
            "none" => NovaUnitTestScope.None,
            _ => NovaUnitTestScope.Focused,
        });
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            if (settings.Print)
            {
                var patch = await NovaPatchService.PrintAsync(settings.Options, settings.Shape, cancellationToken).ConfigureAwait(false);
                await output.Out.WriteAsync(patch.Text).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            if (settings.Check)
            {
                var report = await NovaPatchService.CheckAsync(settings.Options, cancellationToken).ConfigureAwait(false);
                if (settings.Format == OutputFormat.Json)
                {
                    await output.Out.WriteLineAsync(JsonConvention.Serialize(report)).ConfigureAwait(false);
                }
                else
                {
                    RenderCheck(report);
                }
                return report.State switch
                {
                    "patched" => ExitCodes.Ok,
                    "stock" => ExitCodes.Findings,
                    _ => ExitCodes.BadInput,
                };
            }
            var result = settings.Revert
                ? await NovaPatchService.RevertAsync(settings.Options, settings.Yes, cancellationToken).ConfigureAwait(false)
                : await NovaPatchService.PatchAsync(settings.Options, settings.Yes, cancellationToken).ConfigureAwait(false);
            if (settings.Format == OutputFormat.Json)
            {
                await output.Out.WriteLineAsync(JsonConvention.Serialize(result)).ConfigureAwait(false);
            }
            else
            {
                Render(result);
            }
            return result.Failure is null ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (Exception e) when (e is NovaToolException or IOException or UnauthorizedAccessException)
        {
            await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private void RenderCheck(NovaTreeReport r)
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

    private void Render(NovaPatchResult r)
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
