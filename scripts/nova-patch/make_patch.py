#!/usr/bin/python3
"""Writes KvmTune's nova patch ([libvirt] disk_io_modes) for one code shape of nova.

    make_patch.py --nova-parent DIR --shape NAME --made-for TEXT > share/nova/patches/disk_io_modes-NAME.patch

DIR holds the stock nova package (DIR/nova/conf/libvirt.py, DIR/nova/virt/libvirt/driver.py), e.g.
/usr/lib/python3/dist-packages, or a directory filled with `git archive` from openstack/nova. The edits are anchored
on nova's own text and fail loudly when an anchor is missing or not unique: a new shape needs a look at the code,
not a blind patch. The new unit test file (test_disk_io_modes.py, next to this script) is added as it is.
"""

import argparse
import difflib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CONF_ANCHOR = '''  speeding up guest installations, but you should switch to another caching
  mode in production environments.
"""),
'''
CONF_OPTION = '''    cfg.ListOpt('disk_io_modes',
                default=[],
                help="""
Specific AIO modes to use for different disk types.

For example: file=io_uring,block=native,network=default

The grammar is that of ``disk_cachemodes``: a list of ``TYPE=MODE`` items,
where TYPE is a disk's source type (``file``, ``block`` or ``network``) and a
later item for the same type wins. A type that is not listed keeps nova's own
choice: ``native`` for LVM images (unless ``sparse_logical_volumes``), for
images with ``preallocate_images = space`` and for iSCSI, FC and NFS volumes;
no ``io`` attribute (QEMU's default, ``threads``) otherwise. The mode applies
to image disks and volumes alike. An item with an unknown mode is ignored
with a warning.

Possible AIO modes:

* default: no ``io`` attribute; QEMU uses its default, ``threads``.
* native: Linux native AIO. It needs a cache mode that uses O_DIRECT
  (``none`` or ``directsync``): with any other cache mode nova still falls
  back to ``threads`` and logs a warning
  (https://launchpad.net/bugs/1841363).
* threads: a pool of QEMU worker threads.
* io_uring: Linux io_uring; needs QEMU 5.0 and libvirt 6.3 or later.

``io`` has no effect on ``network`` disks that QEMU opens with its own
client (RBD). Existing instances take a new value when nova regenerates
their domain XML: hard reboot, resize or migration.
"""),
'''

VALID_ANCHOR = '''VALID_DISK_CACHEMODES = [
    "default", "none", "writethrough", "writeback", "directsync", "unsafe",
]
'''
VALID_ADD = '''VALID_DISK_IO_MODES = ["default", "native", "threads", "io_uring"]
'''

INIT_ANCHOR = '''            self.disk_cachemodes[disk_type] = cache_mode
'''
INIT_ADD = '''
        self.disk_io_modes = {}

        for mode_str in CONF.libvirt.disk_io_modes:
            disk_type, sep, io_mode = mode_str.partition('=')
            if io_mode not in VALID_DISK_IO_MODES:
                LOG.warning('Invalid io mode %(io_mode)s specified '
                            'for disk type %(disk_type)s.',
                            {'io_mode': io_mode, 'disk_type': disk_type})
                continue
            self.disk_io_modes[disk_type] = io_mode
'''

SET_ANCHOR = '''            cache_mode = self.disk_cachemodes.get(source_type,
                                                  driver_cache)
            conf.driver_cache = cache_mode

'''
SET_ADD = '''        # [libvirt]disk_io_modes replaces the io mode nova chose for this source
        # type ('default' removes it: QEMU's default, threads). The fallback
        # below still turns 'native' into 'threads' when the cache mode does
        # not use O_DIRECT.
        io_mode = getattr(self, 'disk_io_modes', {}).get(source_type)
        if io_mode is not None and hasattr(conf, 'driver_io'):
            conf.driver_io = None if io_mode == 'default' else io_mode

'''

TEST_PATH = "nova/tests/unit/virt/libvirt/test_disk_io_modes.py"


def insert_after(text, anchor, addition, where):
    if text.count(anchor) != 1:
        sys.exit("make_patch.py: %s: anchor found %d times, expected once:\n%s" % (where, text.count(anchor), anchor))
    return text.replace(anchor, anchor + addition)


def diff(old, new, path):
    old_lines = old.splitlines(keepends=True) if old is not None else []
    new_lines = new.splitlines(keepends=True)
    return "".join(difflib.unified_diff(old_lines, new_lines,
                                        "/dev/null" if old is None else "a/" + path, "b/" + path, n=3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nova-parent", required=True)
    parser.add_argument("--shape", required=True)
    parser.add_argument("--made-for", required=True)
    args = parser.parse_args()

    def read(path):
        with open(os.path.join(args.nova_parent, path), encoding="utf-8", newline="") as f:
            return f.read()

    conf = read("nova/conf/libvirt.py")
    driver = read("nova/virt/libvirt/driver.py")
    if os.path.exists(os.path.join(args.nova_parent, TEST_PATH)):
        sys.exit("make_patch.py: %s already exists" % TEST_PATH)
    with open(os.path.join(HERE, "test_disk_io_modes.py"), encoding="utf-8", newline="") as f:
        test = f.read()

    new_conf = insert_after(conf, CONF_ANCHOR, CONF_OPTION, "nova/conf/libvirt.py")
    new_driver = insert_after(driver, VALID_ANCHOR, VALID_ADD, "VALID_DISK_CACHEMODES")
    new_driver = insert_after(new_driver, INIT_ANCHOR, INIT_ADD, "LibvirtDriver.__init__")
    new_driver = insert_after(new_driver, SET_ANCHOR, SET_ADD, "LibvirtDriver._set_cache_mode")

    out = sys.stdout
    out.write("KvmTune nova patch: [libvirt] disk_io_modes, the AIO mode per disk source type\n")
    out.write("Shape: %s\n" % args.shape)
    out.write("Made-for: %s\n" % args.made_for)
    out.write("Apply: patch -p1 -d SITE_PACKAGES (the directory that holds nova/), or kvmtune nova patch --yes\n")
    out.write("\n")
    out.write(diff(conf, new_conf, "nova/conf/libvirt.py"))
    out.write(diff(driver, new_driver, "nova/virt/libvirt/driver.py"))
    out.write(diff(None, test, TEST_PATH))
    return 0


if __name__ == "__main__":
    sys.exit(main())
