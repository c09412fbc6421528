#!/usr/bin/python3
"""Builds the <disk> elements nova's libvirt driver generates, with nova's own code.

KvmTune runs this script (with Debian's /usr/bin/python3) to compare its nova simulator with the real nova and to
verify a patched nova tree. It loads nova.conf the way nova-compute does (nova.config.parse_args with the file as
its only --config-file), constructs nova.virt.libvirt.driver.LibvirtDriver, and for every case builds the disk the
way nova-compute builds an instance's disks:

  image:TYPE    LibvirtDriver._get_guest_disk_config(instance, 'disk', mapping, flavor, image_type=TYPE), then
                LibvirtDriver._set_cache_mode (as _get_guest_storage_config does)
  volume:TYPE   LibvirtDriver._get_volume_driver(connection_info).get_config(connection_info, disk_info), then
                _set_cache_mode twice (_get_volume_config, then _get_guest_storage_config)

What it keeps away from the host (nothing is written anywhere):
  * libvirt: the real python3-libvirt module when installed (LibvirtDriver only connects on first use, which this
    script never makes), else a stub module;
  * Image.resolve_driver_format reads an existing disk.info but never writes one (a new instance's disk);
  * Rbd: RBDDriver.get_mon_addrs returns no monitors (no Ceph cluster is contacted);
  * O_DIRECT of instances_path: given by --direct-io (true/false), or probed with nova's own
    nova.privsep.utils.supports_direct_io with --direct-io probe (it creates and deletes one file there).

Prints one JSON document on stdout. Exit 0 when the document was written (per-disk failures are in it), 2 on bad
arguments, 3 when nova cannot be imported or nova.conf cannot be loaded.
"""

import argparse
import hashlib
import json
import logging
import os
import sys
import types

IMAGE_CASES = ["raw", "flat", "qcow2", "lvm", "rbd", "ploop", "default"]
VOLUME_CASES = ["iscsi", "fc", "nfs", "rbd", "iscsi-multiattach"]
INSTANCE_UUID = "INSTANCE_UUID"
VOLUME_ID = "VOLUME_ID"
ISCSI_PATH = ("/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2010-10.org.openstack:volume-"
              + VOLUME_ID + "-lun-1")
FC_PATH = "/dev/disk/by-path/pci-0000:05:00.0-fc-0x5006016090203181-lun-1"
NFS_EXPORT = "192.0.2.20:/srv/nfs"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        try:
            self.messages.append({"logger": record.name, "level": record.levelname.lower(),
                                  "message": record.getMessage()})
        except Exception:  # a log record nova cannot format is not ours to fix
            self.messages.append({"logger": record.name, "level": record.levelname.lower(),
                                  "message": str(record.msg)})


class _Instance(dict):
    """The few instance attributes the disk code reads (uuid, ephemeral_key_uuid)."""

    def __init__(self, uuid):
        super().__init__(uuid=uuid, ephemeral_key_uuid=None)
        self.uuid = uuid
        self.ephemeral_key_uuid = None


def _fail(code, message):
    sys.stderr.write("nova_disks.py: %s\n" % message)
    sys.exit(code)


def _driver(conf):
    return {
        "name": getattr(conf, "driver_name", None),
        "type": getattr(conf, "driver_format", None),
        "cache": getattr(conf, "driver_cache", None),
        "io": getattr(conf, "driver_io", None),
        "discard": getattr(conf, "driver_discard", None),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, action="append", help="nova.conf to load (repeat for several)")
    parser.add_argument("--direct-io", choices=["true", "false", "probe"], default="true",
                        help="O_DIRECT support of instances_path (probe: nova's own probe, writes one file there)")
    parser.add_argument("--cases", default="all", help="comma-separated cases (image:qcow2,volume:iscsi) or all")
    args = parser.parse_args()
    for path in args.conf:
        if not os.path.isfile(path):
            _fail(2, "%s: no such file" % path)
    cases = ["image:" + c for c in IMAGE_CASES] + ["volume:" + c for c in VOLUME_CASES]
    if args.cases != "all":
        wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in cases]
        if unknown:
            _fail(2, "unknown case %s (expected %s)" % (unknown[0], ", ".join(cases)))
        cases = wanted

    capture = _Capture()
    logging.getLogger().addHandler(capture)
    logging.getLogger().setLevel(logging.WARNING)

    try:
        import libvirt  # noqa: F401  (nova's driver imports it in LibvirtDriver.__init__)
        libvirt_module = "python3-libvirt"
    except ImportError:
        sys.modules["libvirt"] = types.ModuleType("libvirt")
        libvirt_module = "stub"

    try:
        import nova
        from nova import config as nova_config
        import nova.conf
        from nova.privsep import utils as privsep_utils
        from nova.virt import fake as fake_virt
        from nova.virt.libvirt import driver as libvirt_driver
        from nova.virt.libvirt import imagebackend
        from nova import utils as nova_utils
        from nova import version as nova_version
    except Exception as e:  # any import failure means this tree is not a working nova
        _fail(3, "cannot import nova: %s: %s" % (type(e).__name__, e))

    CONF = nova.conf.CONF

    # The host's O_DIRECT answer (LibvirtDriver.disk_cachemode asks nova.privsep.utils.supports_direct_io).
    if args.direct_io == "probe":
        probe = privsep_utils.supports_direct_io
    else:
        answer = args.direct_io == "true"

        def probe(_path):
            return answer
    libvirt_driver.nova.privsep.utils.supports_direct_io = probe

    # A new instance's disk: read disk.info when it exists, never write it.
    original_resolve = imagebackend.Image.resolve_driver_format

    def resolve_without_writing(self):
        saved = self.disk_info_path
        if saved is not None and not os.path.exists(saved):
            self.disk_info_path = None
        try:
            return original_resolve(self)
        finally:
            self.disk_info_path = saved
    imagebackend.Image.resolve_driver_format = resolve_without_writing
    imagebackend.rbd_utils.RBDDriver.get_mon_addrs = lambda self, strip_brackets=True: ([], [])

    result = {
        "nova_file": os.path.dirname(os.path.abspath(nova.__file__)),
        "nova_version": nova_version.version_string(),
        "libvirt_module": libvirt_module,
        "confs": [],
    }
    for path in args.conf:
        del capture.messages[:]
        result["confs"].append(_build(path, cases, capture, CONF, nova_config, fake_virt, libvirt_driver, nova_utils))
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def _build(path, cases, capture, CONF, nova_config, fake_virt, libvirt_driver, nova_utils):
    """The disks nova builds for every case with the nova.conf at path."""
    result = {
        "conf": path,
        "load_error": None,
        "disk_io_modes_registered": False,
        "disk_io_modes": None,
        "pybasedir": None,
        "state_path": None,
        "instances_path": None,
        "driver_error": None,
        "disks": [],
        "warnings": [],
    }
    try:
        # A second nova.conf in the same process: forget the first one's arguments and files.
        CONF.clear()
        nova_config.parse_args(["nova-compute", "--config-file", path],
                               default_config_files=[], configure_db=False, init_rpc=False)
    except Exception as e:
        result["load_error"] = "%s: %s" % (type(e).__name__, e)
        return result
    registered = "disk_io_modes" in CONF.libvirt
    result["disk_io_modes_registered"] = registered
    for key in ("pybasedir", "state_path", "instances_path"):
        try:
            result[key] = getattr(CONF, key)
        except Exception as e:
            result[key] = None

    try:
        drvr = libvirt_driver.LibvirtDriver(fake_virt.FakeVirtAPI(), True)
    except Exception as e:
        drvr = None
        result["driver_error"] = "LibvirtDriver.__init__: %s: %s" % (type(e).__name__, e)
    if drvr is not None and registered:
        result["disk_io_modes"] = dict(getattr(drvr, "disk_io_modes", {}))

    instance = _Instance(INSTANCE_UUID)
    flavor = {"extra_specs": {}}
    disk_info = {"bus": "virtio", "dev": "vda", "type": "disk"}
    for case in cases:
        kind, _, name = case.partition(":")
        entry = {"case": case, "source_type": None, "driver": None, "disk_xml": None, "error": None}
        before = len(capture.messages)
        try:
            if drvr is None:
                raise RuntimeError(result["driver_error"])
            if kind == "image":
                mapping = {"disk": dict(disk_info)}
                conf = drvr._get_guest_disk_config(instance, "disk", mapping, flavor, image_type=name)
                drvr._set_cache_mode(conf)
            else:
                connection_info = _connection_info(name)
                vol_driver = drvr._get_volume_driver(connection_info)
                if name == "nfs":
                    connection_info["data"]["device_path"] = vol_driver._get_device_path(connection_info)
                conf = vol_driver.get_config(connection_info, dict(disk_info))
                drvr._set_cache_mode(conf)
                drvr._set_cache_mode(conf)
            entry["source_type"] = conf.source_type
            entry["driver"] = _driver(conf)
            xml = conf.to_xml()
            if name == "nfs":
                xml = xml.replace(nova_utils.get_hash_str(NFS_EXPORT), "MOUNT_HASH")
            entry["disk_xml"] = xml
        except Exception as e:
            entry["error"] = "%s: %s" % (type(e).__name__, e)
        entry["warnings"] = [m["message"] for m in capture.messages[before:]]
        result["disks"].append(entry)
    result["warnings"] = list(capture.messages)
    return result


def _connection_info(name):
    if name in ("iscsi", "iscsi-multiattach"):
        info = {"driver_volume_type": "iscsi", "data": {"device_path": ISCSI_PATH}}
        if name == "iscsi-multiattach":
            info["multiattach"] = True
        return info
    if name == "fc":
        return {"driver_volume_type": "fibre_channel", "data": {"device_path": FC_PATH}}
    if name == "nfs":
        return {"driver_volume_type": "nfs",
                "data": {"export": NFS_EXPORT, "name": "volume-" + VOLUME_ID}}
    if name == "rbd":
        return {"driver_volume_type": "rbd", "data": {"name": "volumes/volume-" + VOLUME_ID}}
    raise ValueError("unknown volume case %s" % name)


if __name__ == "__main__":
    sys.exit(main())
