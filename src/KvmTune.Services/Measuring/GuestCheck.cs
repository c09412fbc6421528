using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host;
using KvmTune.Host.Engines;
using KvmTune.Host.Guest;

namespace KvmTune.Services.Measuring;

/// <summary>One micro-VM boot to check the guest path on this host.</summary>
/// <param name="Candidate">The disk's cache and aio mode (on a preallocated raw image).</param>
/// <param name="Profile">The fio profile run inside the guest.</param>
/// <param name="Duration">fio's runtime inside the guest.</param>
/// <param name="Engine">Kernel, launcher and watchdog of the guest engine.</param>
/// <param name="Directory">Where the 64 MiB scratch image goes, or null for the data directory's scratch/.</param>
public sealed record GuestCheckRequest(Candidate Candidate, WorkloadProfile Profile, TimeSpan Duration, GuestEngineOptions Engine, string? Directory);

/// <summary>How the boot went and what fio measured inside the guest.</summary>
public sealed record GuestCheckResult(GuestBoot Boot, Sample Sample);

/// <summary>
/// Boots one micro-VM of the guest engine on a small preallocated scratch image and returns what came back: for
/// operators checking that the guest path (kernel, initramfs, libvirt or QEMU, accelerator) works on this host.
/// </summary>
public static class GuestCheck
{
    /// <summary>The image size: enough for fio's working set, small enough to create in a moment.</summary>
    public const long ImageBytes = 64L << 20;

    /// <exception cref="Host.Guest.GuestException">The guest path failed (no kernel, a boot that timed out, …).</exception>
    public static async Task<GuestCheckResult> RunAsync(GuestCheckRequest request, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var engine = new GuestEngine(request.Engine);
        var scratch = System.IO.Directory.CreateDirectory(
            Path.Combine(request.Directory ?? DataDirectory.Sub("scratch"), $"guest-check-{Guid.NewGuid():N}"));
        try
        {
            var image = Path.Combine(scratch.FullName, "disk.raw");
            // Preallocated (fallocate) so aio=native has no metadata updates to stall on.
            using (new FileStream(image, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = ImageBytes }))
            {
            }
            using (var stream = new FileStream(image, FileMode.Open, FileAccess.Write))
            {
                stream.SetLength(ImageBytes);
            }
            var target = new MeasureTarget(image, "raw", IsBlock: false, image);
            await engine.PrepareAsync(cancellationToken).ConfigureAwait(false);
            progress?.Invoke($"booting a micro-VM ({engine.Accelerator.ToName()}, kernel {engine.Kernel!.Origin}) for {request.Candidate.Id} {request.Profile.Name}");
            var sample = await engine.RunAsync(target, Subject.Of(request.Candidate), request.Profile, new MeasureOptions(request.Duration, ImageBytes), 1, cancellationToken).ConfigureAwait(false);
            return new GuestCheckResult(engine.LastBoot!, sample);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
