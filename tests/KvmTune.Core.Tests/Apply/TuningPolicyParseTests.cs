using KvmTune.Core.Apply;
using KvmTune.Core.Input;

namespace KvmTune.Core.Tests.Apply;

public class TuningPolicyParseTests
{
    [Fact]
    public void A_key_given_twice_is_refused_naming_the_key_and_its_line()
    {
        const string Json = "{\"version\":1,\"disks\":{\"file\":{\"cache\":\"none\",\n\"cache\":\"unsafe\"}}}";

        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse(Json, "p.json"));

        Assert.Equal("p.json:2: key 'disks.file.cache' is given twice (JSON keeps only one; say it once)", e.Message);
    }

    [Fact]
    public void The_same_key_in_two_objects_is_fine()
    {
        var policy = TuningPolicy.Parse("{\"version\":1,\"disks\":{\"file\":{\"cache\":\"none\"},\"block\":{\"cache\":\"none\"}}}", "p.json");
        Assert.Equal(2, policy.Disks.Count);
    }

    [Theory]
    [InlineData("{\"version\":1,\"disks\":null}", "disks: null")]
    [InlineData("{\"version\":1,\"disks\":{\"file\":null}}", "disks.file: null")]
    [InlineData("{\"version\":1,\"nova\":{\"libvirt\":null}}", "nova.libvirt: null")]
    [InlineData("{\"version\":1,\"rationale\":[null]}", "rationale.[]: null")]
    public void A_null_member_is_refused_as_bad_input_not_a_crash(string json, string expected)
    {
        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse(json, "p.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_key_is_refused_instead_of_ignored()
    {
        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\"dissks\":{}}", "p.json"));
        Assert.Contains("dissks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_past_the_limit_is_refused_in_one_line()
    {
        var json = "{\"version\":1,\"rationale\":" + new string('[', InputLimits.JsonDepth + 1) + new string(']', InputLimits.JsonDepth + 1) + "}";

        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse(json, "p.json"));

        Assert.True(InputText.IsOneLine(e.Message), e.Message);
        Assert.StartsWith("p.json:1: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_round_trips_through_its_own_json()
    {
        var policy = TuningPolicy.Parse("{\"version\":1,\"from_run\":3,\"disks\":{\"file\":{\"cache\":\"none\",\"io\":\"native\"}},\"nova\":{\"libvirt\":{\"disk_cachemodes\":\"file=none\"}},\"rationale\":[\"x\"]}", "p.json");

        var json = policy.ToJson();

        Assert.Equal(json, TuningPolicy.Parse(json, "again.json").ToJson());
    }

    [Theory]
    [InlineData("{\"version\":2,\"disks\":{}}", "p.json: not a KvmTune policy file (version 1 expected)")]
    [InlineData("{\"version\":1,\"disks\":{\"volume\":{\"cache\":\"none\"}}}", "p.json: disks.volume: unknown source type (expected file, block or network)")]
    [InlineData("{\"version\":1,\"disks\":{\"file\":{\"cache\":\"nonne\"}}}", "p.json: disks.file.cache: unknown cache mode 'nonne'")]
    [InlineData("{\"version\":1,\"disks\":{\"block\":{\"io\":\"uring\"}}}", "p.json: disks.block.io: unknown io mode 'uring'")]
    public void A_policy_with_a_wrong_version_source_type_or_mode_is_refused_naming_it(string json, string message) =>
        Assert.Equal(message, Assert.Throws<InputException>(() => TuningPolicy.Parse(json, "p.json")).Message);

    [Fact]
    public void Malformed_json_is_refused_with_its_line()
    {
        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\n\"disks\":{\n\"file\": {\"cache\": none}}}", "p.json"));

        Assert.StartsWith("p.json:3: not a KvmTune policy: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_with_its_line()
    {
        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\n\"disks\":{\"file\":{\"cache\":1}}}", "p.json"));

        Assert.StartsWith("p.json:2: not a KvmTune policy: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_tracked_per_object_and_path_after_an_array_or_a_nested_object()
    {
        // The same key after a closed nested object, and after an array, belongs to the outer object: given twice
        var afterObject = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\"nova\":{\"libvirt\":{\"a\":\"b\"}},\n\"nova\":{}}", "p.json"));
        var afterArray = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\"rationale\":[\"x\",[]],\"disks\":{\"file\":{},\n\"file\":{}}}", "p.json"));

        Assert.Equal("p.json:2: key 'nova' is given twice (JSON keeps only one; say it once)", afterObject.Message);
        Assert.Equal("p.json:2: key 'disks.file' is given twice (JSON keeps only one; say it once)", afterArray.Message);
    }

    [Fact]
    public void A_null_inside_an_array_after_an_object_names_the_array()
    {
        var e = Assert.Throws<InputException>(() => TuningPolicy.Parse("{\"version\":1,\"disks\":{\"file\":{}},\"rationale\":[\"x\",null]}", "p.json"));

        Assert.Contains("'rationale.[]: null is not a value here", e.Message.Replace("rationale.[]", "'rationale.[]", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
