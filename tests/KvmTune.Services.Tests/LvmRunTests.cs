using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Measurement;
using KvmTune.Services.Deciding;
using KvmTune.Services.Measuring;
using KvmTune.Storage;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Services.Tests;

public sealed class LvmRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-lvm-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Statistic Stat(double median) => new(median, median * 0.97, median * 1.03, 0.02, 5);

    [Fact]
    public void An_lvm_run_is_stored_with_its_volume_group_and_a_device_run_with_its_device()
    {
        var plan = BenchPlanner.Plan(new BenchRequest([Engine.Host, Engine.Qemu], [Backend.Lvm], [CacheMode.None], [IoMode.Native], [WorkloadProfile.RandRead4kQd32]));
        var storage = new BackendOptions { VolumeGroup = "vg_nova", Device = "/dev/sdz" };

        var settings = MeasurementSession.SettingsFor(plan, BenchOptions.Quick, storage);

        Assert.Equal("vg_nova", settings.VolumeGroup);
        Assert.Null(settings.Device);
        Assert.Equal([C("lvm/none/native")], settings.Candidates);
        var onDevice = MeasurementSession.SettingsFor(BenchPlanner.Plan(new BenchRequest([Engine.Qemu], [Backend.Device], [CacheMode.None], [IoMode.Native], [WorkloadProfile.RandRead4kQd32])), BenchOptions.Quick, storage);
        Assert.Equal("/dev/sdz", onDevice.Device);
        Assert.Null(onDevice.VolumeGroup);
    }

    [Fact]
    public void The_volume_group_of_a_stored_lvm_run_reaches_images_volume_group()
    {
        // Given a stored LVM run whose winner is an LVM candidate
        var db = Path.Combine(_dir, "kvmtune.db");
        long id;
        using (var store = new SqliteRunStore(db))
        {
            id = store.BeginRun("kvmtune bench --vg vg_nova", [new(HostFactKeys.QemuVersion, "7.2.22")], new RunSettings { Backends = [Backend.Lvm], VolumeGroup = "vg_nova" });
            store.AddResult(id, new SubjectResult(Engine.Qemu, S("lvm/none/native"), "randread-4k-qd32", Stat(90_000), Stat(368), null, null));
            store.AddResult(id, new SubjectResult(Engine.Qemu, S("lvm/none/threads"), "randread-4k-qd32", Stat(40_000), Stat(164), null, null));
            store.FinishRun(id, "completed");
        }

        // When it is decided again (report, apply --from-run)
        var report = RunDecider.Decide(db, id, AdvisorConstraints.Default, vmsPerHost: null);

        // Then the nova lines point images at the measured volume group
        Assert.Contains(report.Recommendation.Nova, l => l is { Section: "libvirt", Key: "images_type", Value: "lvm" });
        Assert.Contains(report.Recommendation.Nova, l => l is { Section: "libvirt", Key: "images_volume_group", Value: "vg_nova" });
        Assert.Equal("vg_nova", report.Recommendation.Policy.Nova["libvirt"]["images_volume_group"]);
    }
}
