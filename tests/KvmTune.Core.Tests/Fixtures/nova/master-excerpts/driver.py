
try:
    # This is optional for unit testing but required at runtime. We check for
    # it during driver init.
    import libvirt
except ImportError:
    libvirt = None

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

MAX_CONSOLE_BYTES = 100 * units.Ki
VALID_DISK_CACHEMODES = [
    "default", "none", "writethrough", "writeback", "directsync", "unsafe",
]

# The libvirt driver will prefix any disable reason codes with this string.
DISABLE_PREFIX = 'AUTO: '
# Disable reason for the service which was enabled or disabled without reason
DISABLE_REASON_UNDEFINED = None

# Guest config console string
CONSOLE = "console=tty0 console=ttyS0 console=hvc0"

# ...
        self._disk_cachemode = None
        self.image_cache_manager = imagecache.ImageCacheManager()

        self.disk_cachemodes = {}

        for mode_str in CONF.libvirt.disk_cachemodes:
            disk_type, sep, cache_mode = mode_str.partition('=')
            if cache_mode not in VALID_DISK_CACHEMODES:
                LOG.warning('Invalid cachemode %(cache_mode)s specified '
                            'for disk type %(disk_type)s.',
                            {'cache_mode': cache_mode, 'disk_type': disk_type})
                continue
            self.disk_cachemodes[disk_type] = cache_mode

        self._volume_api = cinder.API()
        self._image_api = glance.API()
        self._network_api = neutron.API()

        # The default choice for the sysinfo_serial config option is "unique"
        # which does not have a special function since the value is just the
        # instance.uuid.
        sysinfo_serial_funcs = {
            'none': lambda: None,
            'hardware': self._get_host_sysinfo_serial_hardware,
# ...
            source_type = conf.source_type
            driver_cache = conf.driver_cache
        except AttributeError:
            return

        # Shareable disks like for a multi-attach volume need to have the
        # driver cache disabled.
        if getattr(conf, 'shareable', False):
            conf.driver_cache = 'none'
        else:
            cache_mode = self.disk_cachemodes.get(source_type,
                                                  driver_cache)
            conf.driver_cache = cache_mode

        # NOTE(acewit): If the [libvirt]disk_cachemodes is set as
        # `block=writeback` or `block=writethrough` or `block=unsafe`,
        # whose corresponding Linux's IO semantic is not O_DIRECT in
        # file nova.conf, then it will result in an attachment failure
        # because of the libvirt bug
        # (https://bugzilla.redhat.com/show_bug.cgi?id=1086704)
        if ((getattr(conf, 'driver_io', None) == "native") and
                conf.driver_cache not in [None, 'none', 'directsync']):
            conf.driver_io = "threads"
            LOG.warning("The guest disk driver io mode has fallen back "
