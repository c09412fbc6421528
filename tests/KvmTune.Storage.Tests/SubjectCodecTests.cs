using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Storage.Tests;

public class SubjectCodecTests
{
    public static TheoryData<string> EveryForm() =>
    [
        "raw-prealloc/none/native",
        "qcow2-sparse/writeback/io_uring#sustained",
        "loop/directsync/threads",
        "lvm/unsafe/io_uring#sustained",
        "raw-prealloc",
        "qcow2-metadata",
        "null-co",
        "raw-prealloc@io_uring+batch+fixed+jobs2",
        "loop@libaio+batch",
        "qcow2-metadata/none/native:cluster_size=2M,extended_l2=on,l2_cache=whole",
        "raw-prealloc/writeback/io_uring:discard=unmap,detect_zeroes=unmap#sustained",
    ];

    [Theory]
    [MemberData(nameof(EveryForm))]
    public void A_stored_subject_parses_and_formats_back_to_the_same_text(string text)
    {
        var (subject, phase) = SubjectCodec.Parse(text)!.Value;

        Assert.Equal(text, SubjectCodec.Format(subject, phase));
    }

    [Fact]
    public void Every_subject_in_every_phase_round_trips()
    {
        var subjects = new List<Subject> { Subject.Harness };
        foreach (var backend in Backends.All)
        {
            subjects.Add(Subject.CeilingOf(backend));
            foreach (var cache in CacheModes.All)
            {
                foreach (var io in IoModes.All)
                {
                    subjects.Add(Subject.Of(new Candidate(backend, cache, io)));
                }
            }
        }
        foreach (var subject in subjects)
        {
            foreach (var phase in subject is CandidateSubject ? new[] { Phase.Burst, Phase.Sustained } : [Phase.Burst])
            {
                Assert.Equal((subject, phase), SubjectCodec.Parse(SubjectCodec.Format(subject, phase)));
            }
        }
        Assert.Equal(Backends.All.Count * (1 + (2 * CacheModes.All.Count * IoModes.All.Count)) + 1,
            subjects.Sum(s => s is CandidateSubject ? 2 : 1));
    }

    [Theory]
    [InlineData("raw/none/native")]
    [InlineData("raw-prealloc/none")]
    [InlineData("raw-prealloc/fast/native")]
    [InlineData("raw-prealloc#sustained")]
    [InlineData("null-co/none/native")]
    [InlineData("raw-prealloc@libaio")]
    [InlineData("raw-prealloc@spdk")]
    [InlineData("raw-prealloc@io_uring+batch#sustained")]
    [InlineData("raw-prealloc/none/native:cluster_size=2M")]
    [InlineData("raw-prealloc/none/native:")]
    [InlineData("")]
    public void Text_that_is_no_subject_parses_to_nothing(string text) =>
        Assert.Null(SubjectCodec.Parse(text));

    [Fact]
    public void A_storage_ceiling_keeps_its_strategy_and_the_legacy_one_its_old_text()
    {
        var uring = SubmissionStrategy.Parse("io_uring+batch+fixed")!;

        Assert.Equal("raw-prealloc@io_uring+batch+fixed", SubjectCodec.Format(Subject.CeilingOf(Backend.RawPrealloc, uring)));
        Assert.Equal((Subject.CeilingOf(Backend.RawPrealloc, uring), Phase.Burst), SubjectCodec.Parse("raw-prealloc@io_uring+batch+fixed"));
        Assert.Equal("raw-prealloc", SubjectCodec.Format(Subject.CeilingOf(Backend.RawPrealloc, SubmissionStrategy.Legacy)));
    }

    [Fact]
    public void The_stored_form_is_what_people_read()
    {
        Assert.Equal("raw-prealloc/none/native", SubjectCodec.Format(S("raw-prealloc/none/native")));
        Assert.Equal(C("loop/none/io_uring").Id, SubjectCodec.CandidateText(C("loop/none/io_uring")));
    }
}
