# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Tests of [libvirt]disk_io_modes: the AIO mode per disk source type."""

from unittest import mock

import fixtures

import nova.conf
from nova import test
from nova.tests import fixtures as nova_fixtures
from nova.virt import fake
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import imagebackend
from nova.virt.libvirt.volume import iscsi
from nova.virt.libvirt.volume import net

CONF = nova.conf.CONF


class _Instance(dict):
    def __init__(self):
        super().__init__(uuid='INSTANCE_UUID', ephemeral_key_uuid=None)
        self.uuid = 'INSTANCE_UUID'
        self.ephemeral_key_uuid = None


class LibvirtDiskIoModesTestCase(test.NoDBTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(nova_fixtures.LibvirtFixture())
        temp_dir = self.useFixture(fixtures.TempDir()).path
        self.flags(instances_path=temp_dir)
        # No O_DIRECT probe on the test host: image disks get cache 'none'.
        self.useFixture(fixtures.MockPatch(
            'nova.privsep.utils.supports_direct_io', return_value=True))

    def _driver(self, io_modes=None, cache_modes=None):
        self.flags(disk_io_modes=io_modes or [], group='libvirt')
        self.flags(disk_cachemodes=cache_modes or [], group='libvirt')
        return libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), True)

    def _disk(self, source_type, io=None, cache=None):
        conf = vconfig.LibvirtConfigGuestDisk()
        conf.source_type = source_type
        conf.source_path = '/dev/sdz' if source_type == 'block' else '/d'
        conf.target_dev = 'vda'
        conf.target_bus = 'virtio'
        conf.driver_io = io
        conf.driver_cache = cache
        return conf

    def _image_disk(self, drvr, images_type):
        image = drvr.image_backend.by_name(
            _Instance(), 'disk', images_type,
            disk_info_mapping={'bus': 'virtio', 'dev': 'vda',
                               'type': 'disk'})
        conf = image.libvirt_info(drvr.disk_cachemode, {})
        drvr._set_cache_mode(conf)
        return conf

    def test_option_is_registered_with_an_empty_default(self):
        self.assertIn('disk_io_modes', CONF.libvirt)
        self.assertEqual([], CONF.libvirt.disk_io_modes)

    def test_valid_modes(self):
        self.assertEqual(['default', 'native', 'threads', 'io_uring'],
                         libvirt_driver.VALID_DISK_IO_MODES)

    def test_modes_are_parsed_per_source_type(self):
        drvr = self._driver(['file=io_uring', 'block=native',
                             'network=default'])
        self.assertEqual({'file': 'io_uring', 'block': 'native',
                          'network': 'default'}, drvr.disk_io_modes)

    def test_a_later_item_for_the_same_type_wins(self):
        drvr = self._driver(['file=threads', 'file=io_uring'])
        self.assertEqual({'file': 'io_uring'}, drvr.disk_io_modes)

    @mock.patch.object(libvirt_driver.LOG, 'warning')
    def test_an_invalid_mode_is_ignored_with_a_warning(self, mock_warning):
        drvr = self._driver(['file=fast', 'block', 'network=threads'])
        self.assertEqual({'network': 'threads'}, drvr.disk_io_modes)
        self.assertEqual(2, mock_warning.call_count)

    def test_unset_keeps_nova_choice(self):
        drvr = self._driver()
        conf = self._disk('block', io='native', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('native', conf.driver_io)
        conf = self._disk('file', cache='none')
        drvr._set_cache_mode(conf)
        self.assertIsNone(conf.driver_io)

    def test_mode_replaces_nova_choice(self):
        drvr = self._driver(['file=io_uring', 'block=threads'])
        conf = self._disk('file', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('io_uring', conf.driver_io)
        conf = self._disk('block', io='native', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('threads', conf.driver_io)

    def test_default_removes_the_io_attribute(self):
        drvr = self._driver(['block=default'])
        conf = self._disk('block', io='native', cache='none')
        drvr._set_cache_mode(conf)
        self.assertIsNone(conf.driver_io)
        self.assertNotIn('io=', conf.to_xml())

    def test_other_types_are_left_alone(self):
        drvr = self._driver(['file=io_uring'])
        conf = self._disk('block', io='native', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('native', conf.driver_io)

    def test_native_still_falls_back_to_threads_without_o_direct(self):
        drvr = self._driver(['file=native'], ['file=writeback'])
        conf = self._disk('file', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('writeback', conf.driver_cache)
        self.assertEqual('threads', conf.driver_io)

    def test_native_with_directsync_is_kept(self):
        drvr = self._driver(['file=native'], ['file=directsync'])
        conf = self._disk('file', cache='none')
        drvr._set_cache_mode(conf)
        self.assertEqual('native', conf.driver_io)

    def test_shareable_disks_take_the_mode_too(self):
        drvr = self._driver(['block=io_uring'], ['block=writeback'])
        conf = self._disk('block', io='native', cache='none')
        conf.shareable = True
        drvr._set_cache_mode(conf)
        self.assertEqual('none', conf.driver_cache)
        self.assertEqual('io_uring', conf.driver_io)

    def test_setting_twice_gives_the_same_result(self):
        drvr = self._driver(['block=io_uring'])
        conf = self._disk('block', io='native', cache='none')
        drvr._set_cache_mode(conf)
        drvr._set_cache_mode(conf)
        self.assertEqual('io_uring', conf.driver_io)

    def test_objects_without_a_cache_mode_are_ignored(self):
        drvr = self._driver(['file=io_uring'])
        conf = vconfig.LibvirtConfigGuestFilesys()
        drvr._set_cache_mode(conf)
        self.assertFalse(hasattr(conf, 'driver_io'))

    def test_qcow2_image_disk(self):
        self.flags(preallocate_images='none')
        drvr = self._driver(['file=io_uring'])
        conf = self._image_disk(drvr, 'qcow2')
        self.assertEqual('file', conf.source_type)
        self.assertEqual('none', conf.driver_cache)
        self.assertEqual('io_uring', conf.driver_io)
        self.assertIn('io="io_uring"', conf.to_xml())

    def test_preallocated_flat_image_disk(self):
        self.flags(preallocate_images='space')
        drvr = self._driver(['file=threads'])
        conf = self._image_disk(drvr, 'flat')
        self.assertEqual('threads', conf.driver_io)

    def test_lvm_image_disk(self):
        self.flags(images_volume_group='vg', group='libvirt')
        drvr = self._driver(['block=io_uring'])
        conf = self._image_disk(drvr, 'lvm')
        self.assertEqual('block', conf.source_type)
        self.assertEqual('io_uring', conf.driver_io)

    def test_iscsi_volume(self):
        drvr = self._driver(['block=threads'])
        vol_driver = iscsi.LibvirtISCSIVolumeDriver(drvr._host)
        conf = vol_driver.get_config(
            {'driver_volume_type': 'iscsi',
             'data': {'device_path': '/dev/disk/by-path/fake-lun-1'}},
            {'bus': 'virtio', 'dev': 'vdb', 'type': 'disk'})
        self.assertEqual('native', conf.driver_io)
        drvr._set_cache_mode(conf)
        self.assertEqual('threads', conf.driver_io)

    def test_rbd_volume(self):
        drvr = self._driver(['network=io_uring'])
        vol_driver = net.LibvirtNetVolumeDriver(drvr._host)
        conf = vol_driver.get_config(
            {'driver_volume_type': 'rbd',
             'data': {'name': 'volumes/volume-1'}},
            {'bus': 'virtio', 'dev': 'vdb', 'type': 'disk'})
        drvr._set_cache_mode(conf)
        self.assertEqual('network', conf.source_type)
        self.assertEqual('io_uring', conf.driver_io)
