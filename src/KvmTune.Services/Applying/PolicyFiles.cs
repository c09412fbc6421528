using KvmTune.Core;
using KvmTune.Core.Apply;

namespace KvmTune.Services.Applying;

/// <summary>Reads the policy files <c>tune</c> and <c>report</c> write, for <c>apply</c> and <c>nova apply</c>.</summary>
public static class PolicyFiles
{
    /// <summary>The policy in <paramref name="path"/>.</summary>
    /// <exception cref="InputException">Missing, unreadable, not a regular file, or not a policy; one line naming the file.</exception>
    public static TuningPolicy Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new InputException($"{path}: is a directory, not a policy file");
        }
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: no such file");
        }
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read the policy: {e.Message}", e);
        }
        return TuningPolicy.Parse(json, path);
    }
}
