using KvmTune.Core.Nova.Patching;

namespace KvmTune.Core.Tests.Nova;

public class NovaPatchTests
{
    private static readonly string PatchDirectory = Path.Combine(RepoPaths.Root, "share", "nova", "patches");

    private static List<NovaPatch> ShippedPatches() =>
        Directory.GetFiles(PatchDirectory, "*.patch").Order(StringComparer.Ordinal).Select(f => NovaPatch.Parse(File.ReadAllText(f), f)).ToList();

    private static NovaPatch Shipped(string shape) => ShippedPatches().Single(p => p.Shape == shape);

    // A tree of the excerpt files: the two files the patch changes, nothing else.
    private static Dictionary<string, string?> Excerpts(string directory) => new(StringComparer.Ordinal)
    {
        ["nova/conf/libvirt.py"] = NovaFixtures.Read(Path.Combine(directory, "conf_libvirt.py")),
        ["nova/virt/libvirt/driver.py"] = NovaFixtures.Read(Path.Combine(directory, "driver.py")),
    };

    private const string Small = """
        Shape: test
        Made-for: a test

        --- a/nova/x.py
        +++ b/nova/x.py
        @@ -2,3 +2,4 @@
         b
         c
        +inserted
         d
        --- /dev/null
        +++ b/nova/new.py
        @@ -0,0 +1,2 @@
        +one
        +two

        """;

    [Fact]
    public void Every_shipped_patch_parses_with_its_shape_and_touches_the_option_the_driver_and_a_new_test_file()
    {
        var patches = ShippedPatches();

        Assert.Equal(["master", "nova-26"], patches.Select(p => p.Shape).Order(StringComparer.Ordinal));
        foreach (var patch in patches)
        {
            Assert.Equal(["nova/conf/libvirt.py", "nova/virt/libvirt/driver.py", "nova/tests/unit/virt/libvirt/test_disk_io_modes.py"], patch.Files.Select(f => f.Path));
            Assert.True(patch.Files[2].IsNew);
            Assert.Equal(3, patch.Files[1].Hunks.Count);
            Assert.Contains("cfg.ListOpt('disk_io_modes',", patch.Files[0].Hunks[0].NewLines[3], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_hunk_applies_where_its_lines_are_and_reverses_to_the_same_bytes()
    {
        var patch = NovaPatch.Parse(Small, "small.patch");
        const string before = "a\nb\nc\nd\ne\n";

        var applied = patch.Files[0].Apply(before);
        var reversed = patch.Files[0].Reverse(applied.Text!);

        Assert.Equal("a\nb\nc\ninserted\nd\ne\n", applied.Text);
        Assert.Equal([0], applied.Offsets);
        Assert.Equal(before, reversed.Text);
        Assert.Equal("one\ntwo\n", patch.Files[1].NewFileText);
    }

    [Fact]
    public void A_hunk_matches_away_from_its_line_number_when_its_lines_occur_once()
    {
        var patch = NovaPatch.Parse(Small, "small.patch");

        var applied = patch.Files[0].Apply("new\nlines\nfirst\na\nb\nc\nd\n");

        Assert.Equal("new\nlines\nfirst\na\nb\nc\ninserted\nd\n", applied.Text);
        Assert.Equal([3], applied.Offsets);
    }

    [Fact]
    public void A_line_that_differs_by_one_character_is_not_the_shape_and_nothing_is_fuzzed()
    {
        var patch = NovaPatch.Parse(Small, "small.patch");

        var applied = patch.Files[0].Apply("a\nb\nc \nd\n");

        Assert.False(applied.Ok);
        Assert.Equal(1, applied.FailedHunk);
        Assert.Contains("not in the file as written", applied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_that_occur_twice_match_only_at_the_line_the_hunk_names()
    {
        var patch = NovaPatch.Parse(Small, "small.patch");

        Assert.Equal("a\nb\nc\ninserted\nd\nb\nc\nd\n", patch.Files[0].Apply("a\nb\nc\nd\nb\nc\nd\n").Text);
        var ambiguous = patch.Files[0].Apply("x\nx\nx\nb\nc\nd\nb\nc\nd\n");
        Assert.False(ambiguous.Ok);
        Assert.Contains("occur 2 times", ambiguous.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Shape: x\n--- a/nova/x.py\n", "expected a '--- a/FILE' and '+++ b/FILE' pair")]
    [InlineData("Shape: x\n--- a/nova/x.py\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n", "is not a relative path inside the tree")]
    [InlineData("Shape: x\n--- a/nova/x.py\n+++ b/nova/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n", "the hunk ends before")]
    [InlineData("--- a/nova/x.py\n+++ b/nova/x.py\n@@ -1 +1 @@\n-a\n+b\n", "no 'Shape:' line")]
    public void A_malformed_patch_is_one_line_naming_where(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => NovaPatch.Parse(text, "bad.patch"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.patch", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nova-26-excerpts", "nova-26")]
    [InlineData("master-excerpts", "master")]
    public void The_shipped_patch_applies_to_novas_own_lines_and_reverses_to_the_same_bytes(string excerpts, string shape)
    {
        var files = Excerpts(excerpts);
        var patch = Shipped(shape);

        var stock = NovaPatchDetector.Detect([patch], p => files.GetValueOrDefault(p));
        Assert.Equal(NovaPatchState.Stock, stock.State);
        Assert.True(stock.AtOffset);
        foreach (var f in stock.Files)
        {
            files[f.Path] = f.After;
        }
        Assert.Contains("        io_mode = getattr(self, 'disk_io_modes', {}).get(source_type)\n", files["nova/virt/libvirt/driver.py"], StringComparison.Ordinal);

        var patched = NovaPatchDetector.Detect([patch], p => files.GetValueOrDefault(p));
        Assert.Equal(NovaPatchState.Patched, patched.State);
        Assert.Equal(Excerpts(excerpts)["nova/virt/libvirt/driver.py"], patched.Files.Single(f => f.Path.EndsWith("driver.py", StringComparison.Ordinal)).After);
        Assert.Null(patched.Files.Single(f => f.Path.EndsWith("test_disk_io_modes.py", StringComparison.Ordinal)).After);
    }

    [Fact]
    public void A_tree_modified_around_the_patch_is_unknown_with_the_file_and_hunk_named()
    {
        var files = Excerpts("nova-26-excerpts");
        files["nova/virt/libvirt/driver.py"] = files["nova/virt/libvirt/driver.py"]!.Replace("conf.driver_cache = cache_mode", "conf.driver_cache = cache_mode  # local fix", StringComparison.Ordinal);

        var detection = NovaPatchDetector.Detect(ShippedPatches(), p => files.GetValueOrDefault(p));

        Assert.Equal(NovaPatchState.Unknown, detection.State);
        Assert.StartsWith("nova/virt/libvirt/driver.py: hunk 3", detection.Reason, StringComparison.Ordinal);
        Assert.Contains("no other shape matches either", detection.Reason, StringComparison.Ordinal);
        Assert.Empty(detection.Files);
    }

    [Fact]
    public void A_half_patched_tree_is_unknown_and_says_which_files_carry_the_patch()
    {
        var files = Excerpts("nova-26-excerpts");
        var patch = Shipped("nova-26");
        var conf = patch.Files[0];
        files[conf.Path] = conf.Apply(files[conf.Path]!).Text;

        var detection = NovaPatchDetector.Detect([patch], p => files.GetValueOrDefault(p));

        Assert.Equal(NovaPatchState.Unknown, detection.State);
        Assert.Equal("partly patched (shape nova-26): nova/conf/libvirt.py carries the patch, nova/virt/libvirt/driver.py, nova/tests/unit/virt/libvirt/test_disk_io_modes.py do not", detection.Reason);
    }

    [Fact]
    public void A_test_file_that_is_already_there_makes_the_tree_unknown()
    {
        var files = Excerpts("nova-26-excerpts");
        files["nova/tests/unit/virt/libvirt/test_disk_io_modes.py"] = "# someone else's\n";

        var detection = NovaPatchDetector.Detect([Shipped("nova-26")], p => files.GetValueOrDefault(p));

        Assert.Equal(NovaPatchState.Unknown, detection.State);
        Assert.Contains("test_disk_io_modes.py exists already", detection.Reason, StringComparison.Ordinal);
    }
}
