"""NBD connection info and ``qemu-img`` transfers to and from an export.

Connection info: ``driver_volume_type`` is ``nbd`` and ``data`` uses the
*network disk* keys that Nova's libvirt ``LibvirtNetVolumeDriver`` reads for
rbd (``name``, ``hosts``, ``ports``, ``auth_enabled``): with the type mapped
to that driver, libvirt writes ``<disk type='network'><source protocol='nbd'
name='EXPORT'><host name=.. port=../></source></disk>``, which QEMU opens as
``nbd://HOST:PORT/EXPORT``. ``uri`` carries that URL for tools (qemu-img,
qemu-io, nbdinfo). os-brick has no NBD connector, so Cinder's generic
attach-through-os-brick paths (generic image copy, backup) cannot be used:
the driver does its image copies itself with ``qemu-img`` over NBD.
"""

from urllib import parse

DRIVER_VOLUME_TYPE = 'nbd'


def endpoints(nbd_endpoints, gateway_urls, default_port):
    """``[(host, port), ...]`` hypervisors may connect to, preferred first.

    :param nbd_endpoints: configured ``host:port`` strings (may be empty)
    :param gateway_urls: the REST URLs, whose hosts are used when
        ``nbd_endpoints`` is empty
    :raises ValueError: a malformed ``host:port``
    """
    out = []
    if nbd_endpoints:
        for e in nbd_endpoints:
            p = parse.urlsplit('//' + e.strip())
            try:
                port = p.port
            except ValueError:
                port = None
            if not p.hostname or port is None:
                raise ValueError('NBD endpoint %r is not host:port' % e)
            out.append((p.hostname, port))
    else:
        for u in gateway_urls:
            host = parse.urlsplit(u).hostname
            if host and (host, default_port) not in out:
                out.append((host, default_port))
    return out


def uri(host, port, export):
    """``nbd://host:port/export`` (IPv6 hosts in brackets)."""
    h = '[%s]' % host if ':' in host else host
    return 'nbd://%s:%d/%s' % (h, port, parse.quote(export, safe=''))


def connection_info(export, eps, volume_id):
    """What ``initialize_connection`` returns for an NBD export (Cinder's
    volume manager then adds ``access_mode`` and front-end ``qos_specs``)."""
    host, port = eps[0]
    return {
        'driver_volume_type': DRIVER_VOLUME_TYPE,
        'data': {
            'name': export,
            'export_name': export,
            'hosts': [h for h, _p in eps],
            'ports': [str(p) for _h, p in eps],
            'uri': uri(host, port, export),
            'auth_enabled': False,
            'discard': True,
            'volume_id': volume_id,
        },
    }


def convert_command(src, src_format, dst, dst_format, dst_exists):
    """The ``qemu-img convert`` argv; ``dst_exists`` for an NBD target."""
    cmd = ['qemu-img', 'convert', '-f', src_format, '-O', dst_format]
    if dst_exists:
        cmd.append('-n')
    cmd += [src, dst]
    return cmd
