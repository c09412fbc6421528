using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Host.Engines;

/// <summary>
/// Maps a candidate and a profile onto <c>qemu-img bench</c> options: <c>-f</c> format, <c>-t</c> cache mode (QEMU's
/// bdrv_parse_cache_mode gives the same cache.direct / cache.no-flush / write-cache triple libvirt generates for
/// <c>cache='…'</c>), <c>-i</c> aio, <c>-w</c> for writes, <c>-s</c> request size, <c>-d</c> depth, <c>-S</c> stride for
/// scattered access, and <c>-d 1 --flush-interval=1</c> for the commit pattern.
/// </summary>
public static class QemuImgBenchArguments
{
    /// <summary>
    /// Arguments for one run of <paramref name="count"/> requests on a candidate image. A candidate with image options
    /// opens the image with <c>--image-opts</c> (<see cref="ImageOpts"/>); <c>-t</c> and <c>-i</c> apply either way.
    /// </summary>
    public static IReadOnlyList<string> ForCandidate(MeasureTarget target, Candidate candidate, WorkloadProfile profile, bool write, long count, long imageSize)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(candidate);
        var args = candidate.Options.IsDefault
            ? new List<string> { "bench", "-f", target.Format, "-t", candidate.Cache.ToLibvirt(), "-i", candidate.Io.ToLibvirt() }
            : ["bench", "--image-opts", "-t", candidate.Cache.ToLibvirt(), "-i", candidate.Io.ToLibvirt()];
        args.AddRange(Workload(profile, write, count, imageSize));
        args.Add(candidate.Options.IsDefault ? target.Path : ImageOpts(target, candidate.Options, imageSize));
        return args;
    }

    /// <summary>
    /// The <c>--image-opts</c> text that opens <paramref name="target"/> as a VM's QEMU would with these options:
    /// <c>driver=qcow2,file.driver=file,file.filename=PATH</c> (<c>host_device</c> for a block device), then
    /// <c>cache-size</c> when the L2 cache covers the whole image (what libvirt's <c>&lt;metadata_cache&gt;</c> sets:
    /// <see cref="Qcow2Layout.MetadataCacheBytes"/>), <c>discard</c> (inherited by the file node, as libvirt sets it on
    /// both) and <c>detect-zeroes</c> (on the top node, as libvirt passes it, <see cref="ImageOptions.QemuDetectZeroes"/>).
    /// Commas in the path are doubled (QEMU's option syntax).
    /// </summary>
    public static string ImageOpts(MeasureTarget target, ImageOptions options, long imageSize)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var text = $"driver={target.Format},file.driver={(target.IsBlock ? "host_device" : "file")},file.filename={target.Path.Replace(",", ",,", StringComparison.Ordinal)}";
        if (options.L2Cache == L2CacheSetting.WholeImage && target.Format == "qcow2")
        {
            text += ",cache-size=" + Qcow2Layout.MetadataCacheBytes(imageSize, options.EffectiveClusterSize, options.ExtendedL2).ToString(CultureInfo.InvariantCulture);
        }
        if (options.Discard is { } discard)
        {
            text += ",discard=" + ImageOptions.Name(discard);
        }
        if (ImageOptions.QemuDetectZeroes(options.DetectZeroes, options.Discard) is { } detect)
        {
            text += ",detect-zeroes=" + ImageOptions.Name(detect);
        }
        return text;
    }

    /// <summary>
    /// Arguments for the harness ceiling: the same requests on QEMU's <c>null-co</c> driver, which completes every
    /// request at once without touching storage, so the figure is qemu-img's own request rate on this machine.
    /// </summary>
    public static IReadOnlyList<string> ForNullCo(WorkloadProfile profile, bool write, long count, long imageSize)
    {
        var args = new List<string> { "bench" };
        args.AddRange(Workload(profile, write, count, imageSize));
        args.Add("--image-opts");
        args.Add($"driver=null-co,size={imageSize.ToString(CultureInfo.InvariantCulture)}");
        return args;
    }

    /// <summary>
    /// The stride of scattered access, in bytes. QEMU 7.2's bench_cb advances the offset by the step and wraps it
    /// with <c>offset %= image_size</c>, so with <c>N = image_size / bs</c> blocks and a step of <c>p·bs</c> the k-th
    /// request lands on block <c>k·p mod N</c>: always aligned, never past the end, and visiting every block once
    /// before repeating exactly when p and N are coprime. p is the largest prime not above 0.618·N (the golden
    /// ratio, which spreads consecutive requests evenly over the image: Fibonacci hashing) that does not divide N.
    /// qemu-img takes the step as an int: on an image above 2 GiB the step is at most 2³¹ − 1 bytes and the requests
    /// wrap around the image many times, still landing on every block once per N requests.
    /// </summary>
    public static long Stride(long imageSize, int blockSize)
    {
        var blocks = imageSize / blockSize;
        if (blocks < 3)
        {
            return blockSize;
        }
        for (var p = Math.Min((long)(blocks * 0.6180339887), int.MaxValue / blockSize); p >= 2; p--)
        {
            if (blocks % p != 0 && IsPrime(p))
            {
                return p * blockSize;
            }
        }
        return blockSize;
    }

    /// <summary>
    /// What QEMU makes of <c>-t MODE</c> (block.c bdrv_parse_cache_mode): <c>cache.direct</c>, <c>cache.no-flush</c>
    /// and whether the device has a volatile write cache (not writethrough). The same triple libvirt sets on
    /// <c>-blockdev</c> and <c>-device write-cache=</c> for <c>&lt;driver cache='MODE'/&gt;</c>.
    /// </summary>
    public static (bool Direct, bool NoFlush, bool WriteCache) QemuCacheOptions(string mode) => mode switch
    {
        "off" or "none" => (true, false, true),
        "directsync" => (true, false, false),
        "writeback" => (false, false, true),
        "unsafe" => (false, true, true),
        "writethrough" => (false, false, false),
        _ => throw new ArgumentException($"QEMU knows no cache mode '{mode}'", nameof(mode)),
    };

    public static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }
        if (n % 2 == 0)
        {
            return n == 2;
        }
        for (long d = 3; d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static List<string> Workload(WorkloadProfile profile, bool write, long count, long imageSize)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var depth = profile.SyncEveryWrite ? 1 : profile.IoDepth;
        var args = new List<string>
        {
            "-c", count.ToString(CultureInfo.InvariantCulture),
            "-d", depth.ToString(CultureInfo.InvariantCulture),
            "-s", profile.BlockSize.ToString(CultureInfo.InvariantCulture),
        };
        if (write)
        {
            args.Add("-w");
        }
        if (profile.Random)
        {
            args.Add("-S");
            args.Add(Stride(imageSize, profile.BlockSize).ToString(CultureInfo.InvariantCulture));
        }
        if (profile.SyncEveryWrite && write)
        {
            // A flush after every request, at depth 1: the database commit pattern (write, fdatasync, write …).
            args.Add("--flush-interval=1");
        }
        return args;
    }
}
