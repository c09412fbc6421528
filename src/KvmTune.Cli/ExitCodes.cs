namespace KvmTune.Cli;

/// <summary>Process exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for lint: no error findings.</summary>
    public const int Ok = 0;

    /// <summary>Findings of severity error (or warnings with --strict).</summary>
    public const int Findings = 1;

    /// <summary>Bad input or usage: one line on stderr, nothing written.</summary>
    public const int BadInput = 2;

    /// <summary>A failure of the host, a tool or the results store after the input was accepted.</summary>
    public const int Failure = 3;

    /// <summary>Interrupted (SIGINT, SIGTERM): what a shell reports for a process ended by SIGINT.</summary>
    public const int Interrupted = 130;
}
