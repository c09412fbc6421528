using KvmTune.Core.Nova.Patching;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// <see cref="NovaPatch.Parse"/> on unified diffs as <c>diff -u</c> and <c>git diff</c> write them, and the one-line
/// error, with the line, for every way a patch file can be broken; and the messages of a hunk that does not apply.
/// </summary>
public class NovaPatchParseTests
{
    private const string Good =
        "Shape: nova-26\n" +
        "Made-for: nova 26.2.2 (Debian 12)\n" +
        "Free text: ignored\n" +
        "\n" +
        "--- a/nova/conf/libvirt.py\t2024-01-01 00:00:00.000000000 +0000\n" +
        "+++ b/nova/conf/libvirt.py\t2024-01-02 00:00:00.000000000 +0000\n" +
        "@@ -2,3 +2,4 @@ def register\n" +
        " a\n" +
        "-b\n" +
        "+b2\n" +
        "+b3\n" +
        "\n" +
        "@@ -9 +10 @@\n" +
        "-z\n" +
        "+z2\n" +
        "\\ No newline at end of file\n" +
        "--- /dev/null\n" +
        "+++ b/nova/tests/test_io.py\n" +
        "@@ -0,0 +1,2 @@\n" +
        "+one\n" +
        "+two\n";

    [Fact]
    public void A_diff_u_patch_is_read_with_its_header_files_and_hunks()
    {
        var patch = NovaPatch.Parse(Good, "p.patch");

        Assert.Equal("nova-26", patch.Shape);
        Assert.Equal("nova 26.2.2 (Debian 12)", patch.MadeFor);
        Assert.Equal(Good, patch.Text);
        Assert.Equal(["nova/conf/libvirt.py", "nova/tests/test_io.py"], patch.Files.Select(f => f.Path));
        Assert.Equal([false, true], patch.Files.Select(f => f.IsNew));

        var hunks = patch.Files[0].Hunks;
        Assert.Equal([(2, 2), (9, 10)], hunks.Select(h => (h.OldStart, h.NewStart)));
        // The context line whose leading blank an editor stripped is still a context line
        Assert.Equal(["a\n", "b\n", "\n"], hunks[0].OldLines);
        Assert.Equal(["a\n", "b2\n", "b3\n", "\n"], hunks[0].NewLines);
        // "\ No newline at end of file" takes the terminator off the line before it
        Assert.Equal(["z\n"], hunks[1].OldLines);
        Assert.Equal(["z2"], hunks[1].NewLines);
        Assert.Equal("one\ntwo\n", patch.Files[1].NewFileText);
    }

    [Fact]
    public void A_patch_without_made_for_says_nothing_of_it()
    {
        var patch = NovaPatch.Parse("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", "p");

        Assert.Equal("", patch.MadeFor);
        Assert.Equal("b\n", patch.Files[0].Apply("a\n").Text);
    }

    [Theory]
    [InlineData("Shape: s\n", "p: no file in the patch")]
    [InlineData("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", "p: no 'Shape:' line in the header")]
    [InlineData("Shape:\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", "p: no 'Shape:' line in the header")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n", "p:4: x.py has no hunk")]
    [InlineData("Shape: s\n--- a/x.py\n--- b/x.py\n", "p:2: expected a '--- a/FILE' and '+++ b/FILE' pair")]
    [InlineData("Shape: s\n--- a/x.py\n", "p:2: expected a '--- a/FILE' and '+++ b/FILE' pair")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/y.py\n@@ -1 +1 @@\n-a\n+b\n", "p:2: the old and new names differ (a/x.py, b/y.py); renames are not supported")]
    [InlineData("Shape: s\n--- /etc/x\n+++ /etc/x\n@@ -1 +1 @@\n-a\n+b\n", "p:3: '/etc/x' is not a relative path inside the tree")]
    [InlineData("Shape: s\n--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n", "p:3: '../x' is not a relative path inside the tree")]
    [InlineData("Shape: s\n--- /dev/null\n+++ b/\n@@ -0,0 +1 @@\n+a\n", "p:3: '' is not a relative path inside the tree")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\nz\n", "p:7: expected a hunk line (' ', '-' or '+'), the hunk is short")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n", "p:6: the hunk ends before its 2 old and 2 new lines")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1,1 +1,1\n-a\n+b\n", "p:4: not a hunk header: @@ -1,1 +1,1")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ +1,1 -1,1 @@\n-a\n+b\n", "p:4: not a hunk header: @@ +1,1 -1,1 @@")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1,x +1 @@\n-a\n+b\n", "p:4: bad hunk range '1,x'")]
    [InlineData("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -1 +y @@\n-a\n+b\n", "p:4: bad hunk range 'y'")]
    public void A_broken_patch_is_refused_naming_its_line(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => NovaPatch.Parse(text, "p"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_hunk_that_does_not_apply_names_its_line_in_the_files_own_numbers()
    {
        var patch = NovaPatch.Parse("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -3 +5 @@\n-c\n+C\n", "p");
        var file = patch.Files[0];

        var forward = file.Apply("a\nb\nx\n");
        var backward = file.Reverse("a\nb\nx\n");
        var twice = file.Apply("c\nc\nb\n");

        Assert.False(forward.Ok);
        Assert.Equal(1, forward.FailedHunk);
        Assert.Equal("hunk 1 (line 3): the lines it changes are not in the file as written", forward.Reason);
        Assert.Equal("hunk 1 (line 5): the lines it added are not in the file as written", backward.Reason);
        Assert.Equal("hunk 1 (line 3): its lines occur 2 times, none at the line it names", twice.Reason);
    }

    [Fact]
    public void A_hunk_applied_away_from_its_line_reports_the_offset_both_ways()
    {
        var patch = NovaPatch.Parse("Shape: s\n--- a/x.py\n+++ b/x.py\n@@ -3 +3 @@\n-c\n+C\n", "p");
        var file = patch.Files[0];

        var applied = file.Apply("new\nnew\na\nb\nc\n");
        var reversed = file.Reverse(applied.Text!);

        Assert.Equal("new\nnew\na\nb\nC\n", applied.Text);
        Assert.Equal([2], applied.Offsets);
        Assert.Equal("new\nnew\na\nb\nc\n", reversed.Text);
        Assert.Equal([2], reversed.Offsets);
    }
}
