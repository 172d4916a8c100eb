"""iSCSI connection info in the form os-brick's iSCSI connector reads.

The gateway answers an export with its target (one IQN per volume, LUN 0),
the portals of the gateways that serve it (every one can: the router sends
each piece to its shard's owner), and the volume's CHAP credentials. The
single-path keys (``target_iqn``, ``target_portal``, ``target_lun``) name the
first portal; the plural ones list every portal for multipath.
"""

DRIVER_VOLUME_TYPE = 'iscsi'


def connection_info(export, volume_id):
    """``{'driver_volume_type': 'iscsi', 'data': {...}}`` from the gateway's
    export answer."""
    portals = list(export['portals'])
    iqn = export['targetIqn']
    lun = export.get('lun', 0)
    return {
        'driver_volume_type': DRIVER_VOLUME_TYPE,
        'data': {
            'target_discovered': False,
            'target_iqn': iqn,
            'target_portal': portals[0],
            'target_lun': lun,
            'target_iqns': [iqn] * len(portals),
            'target_portals': portals,
            'target_luns': [lun] * len(portals),
            'auth_method': export.get('authMethod', 'CHAP'),
            'auth_username': export['username'],
            'auth_password': export['password'],
            'volume_id': volume_id,
            'discard': True,
        },
    }
