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
    [InlineData("")]
    public void Text_that_is_no_subject_parses_to_nothing(string text) =>
        Assert.Null(SubjectCodec.Parse(text));

    [Fact]
    public void The_stored_form_is_what_people_read()
    {
        Assert.Equal("raw-prealloc/none/native", SubjectCodec.Format(S("raw-prealloc/none/native")));
        Assert.Equal(C("loop/none/io_uring").Id, SubjectCodec.CandidateText(C("loop/none/io_uring")));
    }
}
