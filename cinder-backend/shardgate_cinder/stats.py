"""Cinder pool stats from the gateway's topology (pure functions, no I/O).

One Cinder pool per spine. The gateway reports performance capacity (IOPS,
bandwidth) per server, and the byte capacity of the durable store behind all
spines (``GET /v1/cluster/capacity``: for Ceph, the cluster's raw capacity).
Every spine's pool shows that shared store's capacity, as Cinder's RBD driver
does for pools of one Ceph cluster; ``unknown`` when the store has no bound
(memory) or the gateway predates the endpoint. The performance headroom is
what the goodness function weighs.
"""

_GIB = float(1 << 30)


def spine_pools(servers, provisioned_gb_by_spine=None, store=None,
                over_subscription=1.0):
    """One pool dict per spine, sorted by spine name.

    :param store: the ``store`` object of ``GET /v1/cluster/capacity``
        (``totalBytes``, ``availableBytes``), or None when unknown
    :param over_subscription: ``max_over_subscription_ratio`` to report
        (volumes are thin)

    Dead servers count for nothing: their IOPS cannot be planned on.

    Capabilities per pool: ``total_iops``, ``free_iops``,
    ``total_bandwidth_mbps``, ``free_bandwidth_mbps``, ``servers``,
    ``servers_alive``, ``region``, and ``performance_headroom`` (0-100: the
    smaller of the free IOPS and free bandwidth fractions, in percent), which
    the default goodness function returns.
    """
    provisioned = provisioned_gb_by_spine or {}
    total_gb, free_gb = byte_capacity_gb(store)
    spines = {}
    for s in servers:
        p = spines.setdefault(s.get('spine') or 'unknown', {
            'region': s.get('region'), 'servers': 0, 'servers_alive': 0,
            'total_iops': 0, 'reserved_iops': 0,
            'total_bandwidth_mbps': 0.0, 'reserved_bandwidth_mbps': 0.0})
        p['servers'] += 1
        if not s.get('alive', False):
            continue
        cap = s.get('capacity') or {}
        res = s.get('reserved') or {}
        p['servers_alive'] += 1
        p['total_iops'] += int(cap.get('iops') or 0)
        p['reserved_iops'] += int(res.get('iops') or 0)
        p['total_bandwidth_mbps'] += float(cap.get('bandwidthMBps') or 0)
        p['reserved_bandwidth_mbps'] += float(res.get('bandwidthMBps') or 0)
    pools = []
    for spine in sorted(spines):
        p = spines[spine]
        free_iops = max(0, p['total_iops'] - p['reserved_iops'])
        free_bw = max(0.0, p['total_bandwidth_mbps']
                      - p['reserved_bandwidth_mbps'])
        pools.append({
            'pool_name': spine,
            'region': p['region'],
            'servers': p['servers'],
            'servers_alive': p['servers_alive'],
            'total_capacity_gb': total_gb,
            'free_capacity_gb': free_gb,
            'provisioned_capacity_gb': provisioned.get(spine, 0),
            'reserved_percentage': 0,
            'thin_provisioning_support': True,
            'thick_provisioning_support': False,
            'max_over_subscription_ratio': over_subscription,
            'QoS_support': True,
            'multiattach': False,
            'online_extend_support': True,
            'total_iops': p['total_iops'],
            'free_iops': free_iops,
            'total_bandwidth_mbps': round(p['total_bandwidth_mbps'], 1),
            'free_bandwidth_mbps': round(free_bw, 1),
            'performance_headroom': headroom(free_iops, p['total_iops'],
                                             free_bw,
                                             p['total_bandwidth_mbps']),
        })
    return pools


def byte_capacity_gb(store):
    """(total, free) GiB of the store, rounded down to 0.01; 'unknown' when
    the store reports no capacity."""
    if not store or 'totalBytes' not in store:
        return 'unknown', 'unknown'
    total = int(store['totalBytes']) / _GIB
    free = int(store.get('availableBytes', 0)) / _GIB
    return (int(total * 100) / 100.0, int(max(0.0, free) * 100) / 100.0)


def headroom(free_iops, total_iops, free_bw, total_bw):
    """0-100: the scarcer of the two resources' free share, in percent."""
    if total_iops <= 0 or total_bw <= 0:
        return 0
    share = min(free_iops / float(total_iops), free_bw / float(total_bw))
    return int(max(0.0, min(1.0, share)) * 100)


def provisioned_gb_by_spine(volumes):
    """Sum of the gateway volumes' sizes per spine, in GiB (rounded up)."""
    out = {}
    for v in volumes:
        spine = v.get('spine') or 'unknown'
        out[spine] = out.get(spine, 0) + int(v.get('sizeBytes') or 0)
    return {k: -(-b // (1 << 30)) for k, b in out.items()}
