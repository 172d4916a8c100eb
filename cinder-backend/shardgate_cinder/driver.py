"""The ShardGate Cinder volume driver: Cinder's calls as gateway REST calls.

Every decision (shard count, placement, refusing a spec) is the gateway's;
the driver translates volume types into spec bodies, gateway errors into
Cinder exceptions, and the topology into pool stats. Gateway volume and
snapshot names are Cinder's (``volume-<id>``, ``snapshot-<id>``), or the
``provider_id`` of a managed volume.
"""

import logging as std_logging
import math

from oslo_concurrency import processutils
from oslo_log import log as logging

from cinder import context as cinder_context
from cinder import exception
from cinder.i18n import _
from cinder.image import image_utils
from cinder import interface
from cinder.volume import configuration
from cinder.volume import driver
from cinder.volume import volume_types
from cinder.volume import volume_utils

from shardgate_cinder import client as gw
from shardgate_cinder import iscsi
from shardgate_cinder import nbd
from shardgate_cinder import options
from shardgate_cinder import specs
from shardgate_cinder import stats

LOG = logging.getLogger(__name__)
GIB = 1 << 30

# Volume metadata key holding the gateway's reason after a refusal, so that a
# user sees it with `openstack volume show` (Cinder user messages only carry
# texts from a fixed catalog, never a backend's own words).
REFUSAL_KEY = 'shardgate:refusal'
_METADATA_VALUE_MAX = 255

options.CONF.register_opts(options.shardgate_opts,
                           group=configuration.SHARED_CONF_GROUP)


class ShardGateRefused(exception.VolumeBackendAPIException):
    """The gateway refused the spec; the message is the planner's reason."""
    message = _('ShardGate refused the volume: %(data)s')


class GatewayDown(exception.VolumeBackendAPIException):
    message = _('No ShardGate gateway answered: %(data)s')


@interface.volumedriver
class ShardGateDriver(driver.VolumeDriver):
    """Sharded block volumes with performance guarantees, served over NBD.

    Version history:
        1.0.0 - create/delete/extend, stats per spine, NBD connections,
                image copies over NBD, snapshots, clones, revert, retype,
                manage existing
    """

    VERSION = '1.0.0'
    CI_WIKI_NAME = 'ShardGate_CI'
    SUPPORTS_ACTIVE_ACTIVE = True   # all state lives in the gateway

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(options.shardgate_opts)
        self.client = None
        self._nbd_endpoints = []
        self._backend_name = None

    @staticmethod
    def get_driver_options():
        return options.shardgate_opts

    # -- setup ---------------------------------------------------------------
    def do_setup(self, context):
        c = self.configuration
        self._backend_name = (c.safe_get('volume_backend_name')
                              or self.__class__.__name__)
        verify = c.shardgate_ssl_verify
        if verify and c.shardgate_ssl_ca_file:
            verify = c.shardgate_ssl_ca_file
        cert = None
        if c.shardgate_ssl_cert_file:
            cert = (c.shardgate_ssl_cert_file, c.shardgate_ssl_key_file) \
                if c.shardgate_ssl_key_file else c.shardgate_ssl_cert_file
        try:
            keystone = None
            if c.shardgate_keystone_auth_url and not (
                    c.shardgate_token or c.shardgate_token_file):
                keystone = gw.keystone_session(
                    c.shardgate_keystone_auth_url,
                    c.shardgate_keystone_username,
                    c.shardgate_keystone_password,
                    c.shardgate_keystone_project_name,
                    c.shardgate_keystone_user_domain_name,
                    c.shardgate_keystone_project_domain_name, verify=verify)
            tokens = gw.TokenSource(token=c.shardgate_token,
                                    token_file=c.shardgate_token_file,
                                    keystone=keystone)
            self.client = gw.GatewayClient(
                c.shardgate_gateway_urls, tokens,
                connect_timeout=c.shardgate_connect_timeout,
                read_timeout=c.shardgate_read_timeout,
                verify=verify, cert=cert)
            self._nbd_endpoints = nbd.endpoints(
                c.shardgate_nbd_endpoints, c.shardgate_gateway_urls,
                c.shardgate_nbd_port)
            if c.shardgate_token_file:
                tokens.token()   # a missing or empty file fails here
        except (ValueError, gw.CredentialsError) as e:
            raise exception.InvalidConfigurationValue(
                message=_('ShardGate driver configuration: %s') % e)
        if not self._nbd_endpoints:
            raise exception.InvalidConfigurationValue(
                message=_('ShardGate: no NBD endpoint (set '
                          'shardgate_nbd_endpoints)'))

    def check_for_setup_error(self):
        """One authenticated call: the gateways answer and take the token."""
        try:
            servers = self.client.servers()
        except gw.Unauthorized as e:
            raise exception.VolumeBackendAPIException(
                data=_('the gateway refused the driver\'s credentials (%s): '
                       'check shardgate_token, shardgate_token_file or the '
                       'shardgate_keystone_* options') % e.reason)
        except gw.GatewayError as e:
            raise self._backend_error('check the gateway', e)
        if not servers:
            raise exception.VolumeBackendAPIException(
                data=_('the gateway reports no servers'))
        LOG.info('ShardGate: %d gateway servers in %d spines via %s',
                 len(servers), len({s.get('spine') for s in servers}),
                 self.client.current_url)

    # -- stats ---------------------------------------------------------------
    def _update_volume_stats(self):
        data = {
            'volume_backend_name': self._backend_name,
            'vendor_name': 'ShardGate',
            'driver_version': self.VERSION,
            'storage_protocol': 'iSCSI' if self._iscsi() else 'NBD',
            'pools': [],
        }
        try:
            servers = self.client.servers()
            provisioned = stats.provisioned_gb_by_spine(self.client.volumes())
            capacity = self.client.capacity() or {}
        except gw.GatewayError as e:
            LOG.error('ShardGate: cannot refresh stats: %s', e)
            data['backend_state'] = 'down'
            self._stats = data
            return
        data['backend_state'] = 'up'
        for pool in stats.spine_pools(servers, provisioned,
                                      capacity.get('store'),
                                      self._over_subscription()):
            pool['filter_function'] = self.get_filter_function()
            pool['goodness_function'] = self.get_goodness_function()
            data['pools'].append(pool)
        self._stats = data

    def _over_subscription(self):
        """Cinder's own ``max_over_subscription_ratio`` option, reported as
        is: a number, or 'auto' (the scheduler then derives it from the
        provisioned and used capacity); 1.0 when unset."""
        ratio = getattr(self.configuration, 'max_over_subscription_ratio',
                        None)
        if ratio == 'auto':
            return ratio
        try:
            return float(ratio)
        except (TypeError, ValueError):
            return 1.0

    def get_default_goodness_function(self):
        """Prefer the spine with the most performance headroom (0-100)."""
        return 'capabilities.performance_headroom'

    def get_pool(self, volume):
        try:
            return self.client.volume(self._name(volume)).get('spine')
        except gw.GatewayError:
            return None

    # -- volumes -------------------------------------------------------------
    def create_volume(self, volume):
        return self._create(volume, None)

    def create_volume_from_snapshot(self, volume, snapshot):
        return self._create(volume, {
            'volume': self._name(snapshot.volume),
            'snapshot': self._snap_name(snapshot)})

    def create_cloned_volume(self, volume, src_vref):
        return self._create(volume, {'volume': self._name(src_vref)})

    def _create(self, volume, source):
        size = volume.size * GIB
        spec = self._spec(volume.volume_type_id, size)
        body = specs.create_body(
            volume.name, size, spec,
            client_spine=volume_utils.extract_host(volume.host, 'pool'),
            source=source)
        try:
            created = self.client.create_volume(body)
        except gw.Refused as e:
            raise self._refused(volume, e)
        except gw.Conflict as e:
            if e.code != 'exists':
                raise self._backend_error('create %s' % volume.name, e)
            # Our names are unique: an earlier attempt whose answer was lost.
            created = self._volume(volume)
            if created.get('sizeBytes') != size:
                raise self._backend_error('create %s' % volume.name, e)
            LOG.warning('ShardGate: %s already existed with the same size; '
                        'taking it over', volume.name)
        except gw.GatewayError as e:
            raise self._backend_error('create %s' % volume.name, e)
        LOG.info('ShardGate: created %s: %s shards in %s (fallback %s)',
                 created.get('name'), created.get('shardCount'),
                 created.get('spine'), created.get('fallbackUsed'))
        self._clear_refusal(getattr(volume, '_context', None), volume)
        return {'provider_id': created['name']}

    def delete_volume(self, volume):
        name = self._name(volume)
        self._delete(name, lambda: self.client.delete_volume(name),
                     exception.VolumeIsBusy(volume_name=name))

    def extend_volume(self, volume, new_size):
        """Grows the volume; the gateway does it online (attached or not)."""
        name = self._name(volume)
        try:
            self.client.extend_volume(name, new_size * GIB)
        except gw.Refused as e:
            raise self._refused(volume, e)
        except gw.GatewayError as e:
            raise self._backend_error('extend %s' % name, e)

    # -- snapshots -----------------------------------------------------------
    def create_snapshot(self, snapshot):
        vol = self._name(snapshot.volume)
        try:
            s = self.client.create_snapshot(vol, snapshot.name)
        except gw.GatewayError as e:
            raise self._backend_error('snapshot %s' % vol, e)
        return {'provider_id': s.get('name', snapshot.name)}

    def delete_snapshot(self, snapshot):
        vol, snap = self._name(snapshot.volume), self._snap_name(snapshot)
        # Not found also when the gateway lacks snapshots: none was created.
        self._delete(snap, lambda: self.client.delete_snapshot(vol, snap),
                     exception.SnapshotIsBusy(snapshot_name=snap))

    def _delete(self, what, call, busy):
        """Runs a DELETE: gone already is fine, ``in_use`` raises ``busy``."""
        try:
            call()
        except gw.NotFound:
            LOG.info('ShardGate: %s was not on the gateway; nothing to '
                     'delete', what)
        except gw.Conflict as e:
            if e.code == 'in_use':
                raise busy
            raise self._backend_error('delete %s' % what, e)
        except gw.GatewayError as e:
            raise self._backend_error('delete %s' % what, e)

    def revert_to_snapshot(self, context, volume, snapshot):
        name = self._name(volume)
        try:
            self.client.revert(name, self._snap_name(snapshot))
        except gw.GatewayError as e:
            raise self._backend_error('revert %s' % name, e)

    # -- exports and connections --------------------------------------------
    def create_export(self, context, volume, connector):
        """NBD exports always exist; checks the volume and records its URL."""
        self._volume(volume)
        host, port = self._nbd_endpoints[0]
        return {'provider_location': nbd.uri(host, port, self._name(volume))}

    def ensure_export(self, context, volume):
        try:
            self.client.volume(self._name(volume))
        except gw.NotFound:
            LOG.warning('ShardGate: volume %s is not on the gateway',
                        self._name(volume))
        except gw.GatewayError as e:
            LOG.warning('ShardGate: cannot check %s: %s', volume.name, e)

    def remove_export(self, context, volume):
        pass   # the export lives as long as the volume

    def _iscsi(self):
        return self.configuration.shardgate_protocol == 'iscsi'

    def initialize_connection(self, volume, connector, **kwargs):
        if self._iscsi():
            self.validate_connector(connector)
            name = self._name(volume)
            try:
                export = self.client.export(name, 'iscsi',
                                            connector['initiator'])
            except gw.GatewayError as e:
                raise self._backend_error('export %s' % name, e)
            info = iscsi.connection_info(export, volume.id)
            LOG.debug('ShardGate: iSCSI connection for %s: %s on %s',
                      volume.name, export['targetIqn'], export['portals'])
            return info
        self._volume(volume)
        info = nbd.connection_info(self._name(volume), self._nbd_endpoints,
                                   volume.id)
        LOG.debug('ShardGate: connection for %s: %s', volume.name,
                  info['data']['uri'])
        return info

    def terminate_connection(self, volume, connector, **kwargs):
        if not self._iscsi():
            return   # NBD clients disconnect by themselves
        if not connector or not connector.get('initiator'):
            return   # a force-detach without a host: nothing to name
        name = self._name(volume)
        try:
            self.client.unexport(name, connector['initiator'])
        except gw.NotFound:
            pass   # the volume is gone: nobody can attach it any more
        except gw.GatewayError as e:
            raise self._backend_error('revoke %s' % name, e)

    def validate_connector(self, connector):
        if self._iscsi() and not (connector or {}).get('initiator'):
            raise exception.InvalidConnectorException(
                missing='initiator')

    # -- images --------------------------------------------------------------
    def copy_image_to_volume(self, context, volume, image_service, image_id):
        """Downloads the image, checks it, writes it with qemu-img over NBD."""
        image_meta = image_service.show(context, image_id)
        disk_format = image_meta.get('disk_format') or 'raw'
        image_utils.check_image_conversion_disable(disk_format, 'raw',
                                                   image_id)
        with image_utils.temporary_file(prefix='shardgate_img_') as tmp:
            image_utils.fetch(context, image_service, image_id, tmp,
                              None, None)
            info = image_utils.qemu_img_info(tmp, run_as_root=False)
            fmt = info.file_format
            if fmt is None or info.backing_file is not None:
                raise exception.ImageUnacceptable(
                    image_id=image_id,
                    reason=_('no format or a backing file (%s)') %
                    info.backing_file)
            if fmt == 'qcow2':
                image_utils.check_qcow2_image(image_id, info)
            elif fmt == 'vmdk':
                image_utils.check_vmdk_image(image_id, info)
            if info.virtual_size > volume.size * GIB:
                raise exception.ImageTooBig(
                    image_id=image_id,
                    reason=_('%(img)d bytes do not fit %(vol)d GiB') %
                    {'img': info.virtual_size, 'vol': volume.size})
            self._qemu_img_convert(tmp, fmt, self._uri(volume), 'raw', True)

    def copy_image_to_encrypted_volume(self, context, volume, image_service,
                                       image_id):
        raise exception.VolumeDriverException(
            message=_('ShardGate volumes cannot be encrypted by Cinder yet '
                      '(os-brick has no NBD connector to attach the '
                      'encryptor to)'))

    def copy_volume_to_image(self, context, volume, image_service,
                             image_meta):
        """Reads the volume over NBD into an image file, then uploads it."""
        disk_format = image_meta['disk_format']
        image_utils.check_image_conversion_disable(disk_format, 'raw',
                                                   image_meta['id'],
                                                   upload=True)
        out_format = image_utils.fixup_disk_format(disk_format)
        store_id = (volume.volume_type.extra_specs or {}).get(
            'image_service:store_id') if volume.volume_type else None
        base_image_ref = None
        if volume.glance_metadata:
            base_image_ref = volume.glance_metadata.get('image_id')
        with image_utils.temporary_file(prefix='shardgate_up_') as tmp:
            self._qemu_img_convert(self._uri(volume), 'raw', tmp, out_format,
                                   False)
            with open(tmp, 'rb') as f:
                image_service.update(context, image_meta['id'], {}, f,
                                     store_id=store_id,
                                     base_image_ref=base_image_ref)

    def _qemu_img_convert(self, src, src_fmt, dst, dst_fmt, dst_exists):
        cmd = nbd.convert_command(src, src_fmt, dst, dst_fmt, dst_exists)
        try:
            processutils.execute(*cmd, timeout=(
                self.configuration.shardgate_image_convert_timeout))
        except processutils.ProcessExecutionError as e:
            raise exception.VolumeBackendAPIException(
                data=_('qemu-img convert %(src)s -> %(dst)s failed: %(err)s')
                % {'src': src, 'dst': dst, 'err': (e.stderr or '').strip()})

    # -- retype and manage ---------------------------------------------------
    def retype(self, context, volume, new_type, diff, host):
        """Applies the new type's spec live (the gateway re-plans shards).

        Returns ``False`` (Cinder may then migrate) when the destination is
        another backend or the gateway refuses the new spec; the refusal's
        reason is also put in the volume's metadata.
        """
        ours = volume_utils.extract_host(volume.host, 'backend')
        if volume_utils.extract_host(host['host'], 'backend') != ours:
            return False
        size = volume.size * GIB
        spec = self._spec(new_type['id'], size)
        name = self._name(volume)
        try:
            self.client.set_spec(name, spec)
        except gw.Refused as e:
            self._record_refusal(context, volume, e)
            LOG.error('ShardGate: retype of %s to %s refused: %s', name,
                      new_type.get('name'), e.summary)
            return False
        except gw.GatewayError as e:
            raise self._backend_error('retype %s' % name, e)
        self._clear_refusal(context, volume)
        return True, None

    def manage_existing(self, volume, existing_ref):
        """Adopts a gateway volume; grows it to whole GiB if needed."""
        v = self._existing(existing_ref)
        size_gb = _gib(v['sizeBytes'])
        if v['sizeBytes'] != size_gb * GIB:
            try:
                self.client.extend_volume(v['name'], size_gb * GIB)
            except gw.GatewayError as e:
                raise self._backend_error('grow %s' % v['name'], e)
        return {'provider_id': v['name']}

    def manage_existing_get_size(self, volume, existing_ref):
        return _gib(self._existing(existing_ref)['sizeBytes'])

    def unmanage(self, volume):
        LOG.info('ShardGate: %s stays on the gateway, no longer managed',
                 self._name(volume))

    def _existing(self, existing_ref):
        name = (existing_ref or {}).get('source-name')
        if not name:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref,
                reason=_('give the gateway volume name as source-name'))
        try:
            return self.client.volume(name)
        except gw.NotFound:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref,
                reason=_('the gateway has no volume %s') % name)
        except gw.GatewayError as e:
            raise self._backend_error('look up %s' % name, e)

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _name(volume):
        return volume.provider_id or volume.name

    @staticmethod
    def _snap_name(snapshot):
        return snapshot.provider_id or snapshot.name

    def _uri(self, volume):
        host, port = self._nbd_endpoints[0]
        return nbd.uri(host, port, self._name(volume))

    def _volume(self, volume):
        try:
            return self.client.volume(self._name(volume))
        except gw.GatewayError as e:
            raise self._backend_error('look up %s' % self._name(volume), e)

    def _spec(self, volume_type_id, size_bytes):
        """The gateway spec of a volume type (no type: a best-effort spec)."""
        if not volume_type_id:
            return specs.performance({}, {}, size_bytes)
        vtype = volume_types.get_volume_type(None, volume_type_id)

        def lookup(name):
            try:
                t = volume_types.get_volume_type_by_name(
                    cinder_context.get_admin_context(), name)
            except exception.VolumeTypeNotFoundByName:
                raise LookupError(_('no such volume type'))
            return t.get('extra_specs') or {}, _qos(t)

        try:
            return specs.gateway_spec(vtype.get('extra_specs') or {},
                                      _qos(vtype), size_bytes, lookup)
        except specs.SpecError as e:
            raise exception.InvalidVolumeType(
                reason=_('volume type %(t)s: %(e)s') %
                {'t': vtype.get('name'), 'e': e})

    def _refused(self, volume, e):
        """Logs one line, records the reason on the volume, returns the
        exception to raise (Cinder then sets the volume to error)."""
        LOG.error('ShardGate refused volume %(v)s: %(r)s',
                  {'v': volume.id, 'r': e.summary})
        self._record_refusal(getattr(volume, '_context', None), volume, e)
        return ShardGateRefused(data=e.summary)

    def _record_refusal(self, context, volume, e):
        if context is None:
            return
        try:
            self.db.volume_metadata_update(
                context, volume.id,
                {REFUSAL_KEY: e.summary[:_METADATA_VALUE_MAX]}, False)
        except Exception as err:   # never hide the refusal behind this
            LOG.warning('ShardGate: could not record the refusal on %s: %s',
                        volume.id, err)

    def _clear_refusal(self, context, volume):
        """A refusal recorded earlier no longer applies once the gateway
        accepted a spec for the volume."""
        if context is None or REFUSAL_KEY not in (volume.metadata or {}):
            return
        try:
            self.db.volume_metadata_delete(context, volume.id, REFUSAL_KEY)
        except Exception as err:   # stale text is not worth failing for
            LOG.warning('ShardGate: could not clear the refusal on %s: %s',
                        volume.id, err)

    @staticmethod
    def _backend_error(what, e):
        if isinstance(e, gw.GatewayUnavailable):
            return GatewayDown(data=e.reason)
        return exception.VolumeBackendAPIException(
            data=_('%(what)s: %(err)s') % {'what': what, 'err': e})


def _qos(vtype):
    qos_id = vtype.get('qos_specs_id')
    if not qos_id:
        return {}
    return specs.backend_qos(volume_types.get_volume_type_qos_specs(
        vtype['id']))


def _gib(size_bytes):
    return int(math.ceil(size_bytes / float(GIB)))


# requests/urllib3 log every connection at INFO through the std logger.
std_logging.getLogger('urllib3.connectionpool').setLevel(std_logging.WARNING)
