using KvmTune.Host.Processes;

namespace KvmTune.Host.Guest;

/// <summary>The guest path's tool calls: through <see cref="ToolRunner"/>, a failure is a <see cref="GuestException"/>.</summary>
internal static class GuestTools
{
    /// <summary>The full path of a required program; a missing one is a clear failure naming its package.</summary>
    public static string Require(string program)
    {
        try
        {
            return ToolRegistry.Default.Require(program);
        }
        catch (MissingToolException e)
        {
            throw new GuestException(e.Message, e);
        }
    }

    /// <summary>Runs a tool to completion; a missing tool or a non-zero exit is a <see cref="GuestException"/> with its stderr.</summary>
    public static async Task<ToolResult> RunAsync(ToolCommand command, CancellationToken cancellationToken)
    {
        ToolResult result;
        try
        {
            result = await ToolRunner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MissingToolException e)
        {
            throw new GuestException(e.Message, e);
        }
        return result.Succeeded
            ? result
            : throw new GuestException($"{command} failed (exit {result.ExitCode}): {result.Message}");
    }

    /// <summary>Decompresses a file with <c>xz -dc</c> or <c>zstd -dc</c> and returns its bytes.</summary>
    public static byte[] Decompress(string tool, string file)
    {
        using var output = new MemoryStream();
        var command = ToolCommand.For(tool).WithArguments(["-dc", file]).WithStandardOutputTo(output);
        try
        {
            var result = ToolRunner.Run(command);
            return result.Succeeded ? output.ToArray() : throw new GuestException($"{command} failed: {result.Message}");
        }
        catch (MissingToolException e)
        {
            throw new GuestException(e.Message, e);
        }
    }
}

/// <summary>The guest path failed: a missing tool, a kernel that cannot be found, a boot that timed out.</summary>
public sealed class GuestException(string message, Exception? inner = null) : Exception(message, inner);
