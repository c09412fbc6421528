using KvmTune.Core.Fleet;

namespace KvmTune.Core.Tests.Fleet;

public sealed class InventoryParserTests
{
    private static Inventory Fixture(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "inventories", name);
        return InventoryParser.Parse(File.ReadAllText(path), path);
    }

    private static HostTarget Target(Inventory inventory, string name) => Assert.Single(inventory.Targets(), t => t.Name == name);

    [Fact]
    public void Kolla_ansibles_multinode_inventory_lists_its_hosts_with_their_groups_through_children()
    {
        // Given kolla-ansible's multinode inventory (INI, 100 groups, mostly :children)
        var inventory = Fixture("kolla-ansible-multinode");

        // Then its 8 hosts appear once each, in file order
        Assert.Equal(["control01", "control02", "control03", "network01", "compute01", "monitoring01", "storage01", "localhost"],
            inventory.Hosts.Select(h => h.Name));
        // and a compute host is in compute and in every group that has compute as a child, directly or not
        var compute = Target(inventory, "compute01");
        Assert.Contains("compute", compute.Groups);
        Assert.Contains("baremetal", compute.Groups);
        Assert.Contains("collectd", compute.Groups);
        Assert.Contains("iscsid", compute.Groups);
        Assert.DoesNotContain("nova", compute.Groups);
        // a child group named before it is defined (ironic-conductor under iscsid) still counts
        Assert.Contains("iscsid", Target(inventory, "control01").Groups);
        // and hosts are reached over ssh by name, except the local one
        Assert.Equal("qemu+ssh://compute01/system", compute.Uri);
        Assert.Equal("qemu:///system", Target(inventory, "localhost").Uri);
    }

    [Fact]
    public void Limit_selects_hosts_by_group_or_name_and_refuses_a_name_that_is_neither()
    {
        var inventory = Fixture("kolla-ansible-multinode");

        Assert.Equal(["network01", "compute01"], inventory.Targets(["compute", "haproxy"]).Select(t => t.Name));
        Assert.Equal(["storage01"], inventory.Targets(["storage01"]).Select(t => t.Name));
        var error = Assert.Throws<InputException>(() => inventory.Targets(["computes"]));
        Assert.Contains("--limit computes: no such host or group", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operators_ini_inventory_gives_user_port_address_key_and_host_key_checking_to_the_uri()
    {
        // Given compute hosts with a range, host:port, quoted values, IPv6 and group variables of parent and child groups
        var inventory = Fixture("compute-hosts.ini");

        // Then the range expands with its leading zeros and the parent group's variables reach every host
        Assert.Equal("qemu+ssh://root@compute-ssd-02/system?keyfile=/etc/kvmtune/fleet_key&no_verify=1", Target(inventory, "compute-ssd-02").Uri);
        // host:port becomes the port
        Assert.Equal("qemu+ssh://root@compute-ssd-04.example.com:2222/system?keyfile=/etc/kvmtune/fleet_key&no_verify=1",
            Target(inventory, "compute-ssd-04.example.com").Uri);
        // the child group's variable wins over the parent's, ansible_host is the address, a quoted user keeps its space
        Assert.Equal("qemu+ssh://kvm%20admin@192.0.2.31/system?keyfile=/etc/kvmtune/hdd_key&no_verify=1", Target(inventory, "hdd01").Uri);
        // an IPv6 address is bracketed
        Assert.StartsWith("qemu+ssh://[2001:db8::32]/system", Target(inventory, "hdd02").Uri, StringComparison.Ordinal);
        Assert.Equal("qemu:///system", Target(inventory, "localhost").Uri);
        Assert.Equal(["compute", "compute_hdd"], Target(inventory, "hdd02").Groups);
    }

    [Fact]
    public void The_ansible_guides_yaml_inventory_gives_groups_children_aliases_ranges_and_variables()
    {
        // Given the inventory guide's YAML example, with its alias, range and group variables
        var inventory = Fixture("ansible-docs-groups.yml");

        // Then every host appears once
        Assert.Equal(["mail.example.com", "foo.example.com", "bar.example.com", "one.example.com", "two.example.com", "three.example.com",
            "host1", "jumper", "www01.example.com", "www03.example.com"], inventory.Hosts.Select(h => h.Name));
        // children make parent groups
        Assert.Equal(["dbservers", "east", "prod"], Target(inventory, "one.example.com").Groups);
        Assert.Equal(["test", "webservers", "west"], Target(inventory, "bar.example.com").Groups);
        // an alias connects to its ansible_host and ansible_port
        Assert.Equal("qemu+ssh://192.0.2.50:5555/system", Target(inventory, "jumper").Uri);
        // and group variables (also a quoted one, a flow list and a flow mapping) reach the hosts
        var host1 = Assert.Single(inventory.Hosts, h => h.Name == "host1");
        Assert.Equal("proxy.atlanta.example.com", host1.Vars["proxy"]);
        Assert.Equal("80", host1.Vars["http_port"]);
        Assert.Equal("[10, 20, 30]", host1.Vars["vlans"]);
        Assert.Equal("{a: 1, b: two}", host1.Vars["compose"]);
    }

    [Fact]
    public void A_list_of_uris_gives_each_uri_once_named_by_itself()
    {
        var inventory = Fixture("uris.txt");

        Assert.Equal(["qemu+ssh://root@compute01/system", "qemu+tls://compute02.example.com/system", "qemu:///system"],
            inventory.Targets().Select(t => t.Uri));
        Assert.All(inventory.Targets(), t => Assert.Equal(t.Uri, t.Name));
    }

    [Fact]
    public void A_yaml_inventory_with_all_and_nested_children_and_a_host_variable_overriding_a_group_variable()
    {
        const string yaml = """
            all:
              vars:
                ansible_user: root
              children:
                compute:
                  vars:
                    ansible_port: 22
                  hosts:
                    c1: { ansible_host: 127.0.0.1, ansible_port: 2222 }
                    c2:
                      ansible_host: 198.18.0.2
                      ansible_ssh_private_key_file: /run/key
                      ansible_host_key_checking: False
            """;

        var inventory = InventoryParser.Parse(yaml, "hosts.yml");

        Assert.Equal("qemu+ssh://root@127.0.0.1:2222/system", Target(inventory, "c1").Uri);
        Assert.Equal("qemu+ssh://root@198.18.0.2:22/system?keyfile=/run/key&no_verify=1", Target(inventory, "c2").Uri);
    }

    [Fact]
    public void Kvmtune_libvirt_uri_overrides_the_derived_uri()
    {
        var inventory = InventoryParser.Parse("[compute]\nc1 kvmtune_libvirt_uri=qemu+tls://c1.example.com/system\n", "hosts");

        Assert.Equal("qemu+tls://c1.example.com/system", Target(inventory, "c1").Uri);
    }

    [Theory]
    [InlineData("hosts", "[compute\nc1\n", "hosts:1: malformed section header")]
    [InlineData("hosts", "[compute:hosts2]\nc1\n", "hosts:1: section [compute:hosts2]")]
    [InlineData("hosts", "[compute]\nc1 ansible_user\n", "hosts:2: 'ansible_user' after host c1 is not key=value")]
    [InlineData("hosts", "[compute:vars]\nansible_user root\n", "hosts:2: [compute:vars] expects key=value")]
    [InlineData("hosts", "[compute]\nc[1:3\n", "hosts:2: host pattern 'c[1:3' has '[' without ']'")]
    [InlineData("hosts", "[compute]\nc[3:1]\n", "empty (start after end)")]
    [InlineData("hosts", "[compute]\nc[1:1000000]\n", "names more than 100000 hosts")]
    [InlineData("hosts", "[a:children]\nb\n[b:children]\na\n", "is its own child")]
    [InlineData("hosts", "[compute]\nc1 ansible_port=ssh\n", "ansible_port 'ssh' is not a number")]
    [InlineData("hosts", "# only a comment\n", "hosts: no host in the file")]
    [InlineData("hosts", "[compute]\n", "hosts: no host in the inventory")]
    [InlineData("hosts.yml", "all:\n  host:\n    c1:\n", "hosts.yml:2: group 'all' has 'host:'")]
    [InlineData("hosts.yml", "all:\n  hosts:\n    c1:\n   c2:\n", "hosts.yml:4: unexpected indentation")]
    [InlineData("hosts.yml", "all:\n  hosts:\n\t c1:\n", "hosts.yml:3: a tab in the indentation")]
    [InlineData("hosts.yml", "all:\n  hosts: &h\n    c1:\n", "anchors and aliases")]
    [InlineData("hosts.yml", "all:\n  hosts:\n    c1: { ansible_host: 1.2.3.4\n", "hosts.yml:3: expected ',' or '}'")]
    [InlineData("hosts.yml", "all:\n  hosts:\n    c1:\n---\nb:\n", "more than one YAML document")]
    [InlineData("hosts.yml", "- c1\n- c2\n", "a YAML inventory is a mapping of groups")]
    [InlineData("uris", "qemu:///system\nnot a uri://x\n", "uris:2: 'not a uri://x' is not a libvirt URI")]
    public void Malformed_inventories_are_one_line_naming_the_file_and_line(string source, string text, string expected)
    {
        var error = Assert.Throws<InputException>(() => InventoryParser.Parse(text, source).Targets());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("www[01:50:2].example.com", 25, "www01.example.com", "www49.example.com")]
    [InlineData("db-[a:f].example.com", 6, "db-a.example.com", "db-f.example.com")]
    [InlineData("c[1:3]-[a:b]", 6, "c1-a", "c3-b")]
    [InlineData("plain", 1, "plain", "plain")]
    public void Host_ranges_expand_as_ansible_does(string pattern, int count, string first, string last)
    {
        var hosts = HostRange.Expand(pattern, "test");

        Assert.Equal(count, hosts.Count);
        Assert.Equal(first, hosts[0]);
        Assert.Equal(last, hosts[^1]);
    }

    [Fact]
    public void The_example_inventory_of_deploy_ansible_reads_as_ansible_reads_it()
    {
        // Given the repository's example inventory (ansible-inventory lists the same hosts and groups)
        var path = Path.Combine(RepoPaths.Root, "deploy", "ansible", "inventory.example.yml");
        var inventory = InventoryParser.Parse(File.ReadAllText(path), path);

        // Then its range expands, groups nest, and group variables reach the hosts
        Assert.Equal(["compute-ssd-01.example.com", "compute-ssd-02.example.com", "compute-ssd-03.example.com", "compute-ssd-04.example.com",
            "compute-hdd-01.example.com"], inventory.Hosts.Select(h => h.Name));
        Assert.Equal(["compute", "compute_hdd"], Target(inventory, "compute-hdd-01.example.com").Groups);
        Assert.Equal("qemu+ssh://root@192.0.2.31/system", Target(inventory, "compute-hdd-01.example.com").Uri);
        Assert.Equal("policies/ssd.json", inventory.Hosts[0].Vars["kvmtune_policy"]);
    }
}

