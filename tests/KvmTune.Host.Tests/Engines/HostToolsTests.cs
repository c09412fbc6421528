using KvmTune.Core;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

public class HostToolsTests
{
    [Fact]
    public void A_missing_program_is_bad_input_naming_the_debian_package()
    {
        var e = Assert.Throws<InputException>(() => HostTools.Require("kvmtune-no-such-program"));
        Assert.StartsWith("kvmtune-no-such-program not found on PATH: install the Debian package", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fio", "fio")]
    [InlineData("qemu-img", "qemu-utils")]
    [InlineData("qemu-system-x86_64", "qemu-system-x86")]
    public void Each_engine_program_maps_to_its_debian_package(string program, string package)
    {
        Assert.Equal(package, HostTools.Packages[program]);
        Assert.NotNull(HostTools.Find(program));
    }
}
