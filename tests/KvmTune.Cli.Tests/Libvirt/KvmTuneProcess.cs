using System.Diagnostics;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary>What a kvmtune process printed and returned.</summary>
internal sealed record ProcessRun(int ExitCode, string Out, string Err)
{
    /// <summary>stderr's lines, without the empty last one.</summary>
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>stdout with the console's word wrapping undone (a redirected console is 80 columns wide).</summary>
    public string Text => Out.Replace(" \n", " ", StringComparison.Ordinal);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs the real kvmtune CLI (the kvmtune.dll built beside the tests) as a child process, with its own data directory
/// (XDG_DATA_HOME) and test hooks in its environment, so tests never share state through this process's environment.
/// </summary>
internal sealed class KvmTuneProcess : IDisposable
{
    public KvmTuneProcess()
    {
        DataHome = Directory.CreateTempSubdirectory("kvmtune-cli-test-").FullName;
    }

    /// <summary>XDG_DATA_HOME of the child processes.</summary>
    public string DataHome { get; }

    /// <summary>The backups directory of one domain of qemu:///system (keyed by URI and UUID).</summary>
    public string BackupsOf(string domain)
    {
        using var connection = KvmTune.Host.Libvirt.LibvirtConnection.OpenReadOnly(KvmTune.Tests.Shared.TestDomain.SystemUri);
        using var found = connection.LookupByName(domain);
        return Path.Combine(DataHome, "kvmtune", "backups", "libvirt", "qemu%3A%2F%2F%2Fsystem", found.Uuid);
    }

    /// <summary>The backup files of a domain, oldest first.</summary>
    public string[] Backups(string domain) =>
        Directory.Exists(BackupsOf(domain)) ? Directory.GetFiles(BackupsOf(domain), "*.xml").Order(StringComparer.Ordinal).ToArray() : [];

    public ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvmtune.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["XDG_DATA_HOME"] = DataHome;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        return psi;
    }

    public ProcessRun Run(params string[] args) => Run(null, args);

    public ProcessRun Run(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = Process.Start(StartInfo(env, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kvmtune {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new ProcessRun(p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => Directory.Delete(DataHome, recursive: true);
}
