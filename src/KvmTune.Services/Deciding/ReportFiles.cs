using KvmTune.Core;
using KvmTune.Host;
using KvmTune.Host.Files;

namespace KvmTune.Services.Deciding;

/// <summary>Where a run's report and policy files go, and how they are written (durably, private to root).</summary>
public static class ReportFiles
{
    /// <summary>The default place of a run's file: reports/run-N.EXT in the data directory.</summary>
    public static string DefaultPath(long runId, string extension) =>
        Path.Combine(DataDirectory.Sub("reports"), $"run-{runId}{extension}");

    /// <summary>Checks, before anything is measured or written, that a path given with <paramref name="option"/> can be written.</summary>
    /// <exception cref="InputException">Its directory does not exist, or the path is a directory.</exception>
    public static void CheckWritable(string? path, string option)
    {
        if (path is null)
        {
            return;
        }
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new InputException($"{option} {path}: is a directory");
        }
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new InputException($"{option} {path}: its directory does not exist");
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> durably (<see cref="DurableFile"/>: a regular file only, temporary file, fsync, rename); returns the full path.</summary>
    public static string Write(string path, string content, string option)
    {
        CheckWritable(path, option);
        var full = Path.GetFullPath(path);
        DurableFile.WriteText(full, content);
        return full;
    }
}
