using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Input;
using KvmTune.Host.Input;

namespace KvmTune.Services.Applying;

/// <summary>Reads the policy files <c>tune</c> and <c>report</c> write, for <c>apply</c> and <c>nova apply</c>.</summary>
public static class PolicyFiles
{
    /// <summary>The policy in <paramref name="path"/>.</summary>
    /// <exception cref="InputException">
    /// Missing, unreadable, not a regular file, larger than <see cref="InputLimits.PolicyBytes"/>, or not a policy; one
    /// line naming the file.
    /// </exception>
    public static TuningPolicy Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TuningPolicy.Parse(InputFiles.ReadText(path, InputLimits.PolicyBytes, "policy"), path);
    }
}
