"""Volume type → gateway performance spec (pure functions, no I/O).

Sources, first match wins per field:

1. extra specs scoped ``sharding:`` — ``sharding:iops``,
   ``sharding:throughput_mbps`` (MB/s, 10^6 bytes), ``sharding:latency_us``,
   ``sharding:workload``, ``sharding:fallback_types`` (comma-separated volume
   type names whose specs become the fallbacks, in order);
2. QoS specs with consumer ``back-end`` or ``both`` under Cinder's standard
   names: ``total_iops_sec`` (else ``read_iops_sec + write_iops_sec``, else
   ``total_iops_sec_per_gb`` x size, floored by
   ``total_iops_sec_per_gb_min``), the same for ``*_bytes_sec`` giving the
   throughput. Front-end QoS is the hypervisor's business and is ignored.

Values are only parsed here; whether they are acceptable (a known workload,
a spec some spine can meet) is the gateway's decision.
"""

SCOPE = 'sharding:'
KEY_IOPS = SCOPE + 'iops'
KEY_MBPS = SCOPE + 'throughput_mbps'
KEY_LATENCY = SCOPE + 'latency_us'
KEY_WORKLOAD = SCOPE + 'workload'
KEY_FALLBACKS = SCOPE + 'fallback_types'
KNOWN_KEYS = (KEY_IOPS, KEY_MBPS, KEY_LATENCY, KEY_WORKLOAD, KEY_FALLBACKS)

_BACKEND_CONSUMERS = ('back-end', 'both')
_GIB = 1 << 30


class SpecError(ValueError):
    """A volume type's spec value cannot be used; the message names the key."""


def backend_qos(qos):
    """The QoS specs that apply at the back end, from any of Cinder's shapes.

    Accepts ``None``, ``{'consumer': .., 'specs': {..}}`` or
    ``{'qos_specs': {'consumer': .., 'specs': {..}}}``.
    """
    if not qos:
        return {}
    if 'qos_specs' in qos:
        qos = qos['qos_specs'] or {}
    if qos.get('consumer', 'back-end') not in _BACKEND_CONSUMERS:
        return {}
    return dict(qos.get('specs') or {})


def performance(extra_specs, qos_specs, size_bytes):
    """The spec fields of one type: ``iops``, ``throughputMBps``, and
    ``latencyUs``/``workload`` when set.

    :param extra_specs: the volume type's extra specs (strings)
    :param qos_specs: back-end QoS specs (see :func:`backend_qos`)
    :param size_bytes: the volume size, for the ``*_per_gb`` QoS keys
    :raises SpecError: a value is not a non-negative number
    """
    extra = extra_specs or {}
    qos = qos_specs or {}
    size_gb = size_bytes / float(_GIB)
    spec = {}
    iops = _number(extra, KEY_IOPS, integer=True)
    if iops is None:
        iops = _qos_rate(qos, 'iops_sec', size_gb, integer=True)
    spec['iops'] = iops or 0
    mbps = _number(extra, KEY_MBPS)
    if mbps is None:
        bytes_sec = _qos_rate(qos, 'bytes_sec', size_gb)
        mbps = None if bytes_sec is None else bytes_sec / 1e6
    spec['throughputMBps'] = mbps or 0.0
    latency = _number(extra, KEY_LATENCY, integer=True)
    if latency is not None:
        spec['latencyUs'] = latency
    workload = (extra.get(KEY_WORKLOAD) or '').strip()
    if workload:
        spec['workload'] = workload
    return spec


def fallback_type_names(extra_specs):
    """Names listed in ``sharding:fallback_types``, in order, no blanks."""
    raw = (extra_specs or {}).get(KEY_FALLBACKS) or ''
    return [n.strip() for n in raw.split(',') if n.strip()]


def gateway_spec(extra_specs, qos_specs, size_bytes, lookup_type=None):
    """The full spec body fields (without ``name``/``sizeBytes``).

    :param lookup_type: ``name -> (extra_specs, qos_specs)`` for the types
        named in ``sharding:fallback_types``; required when that key is set
    :raises SpecError: bad values, or a fallback type that does not exist
    """
    spec = performance(extra_specs, qos_specs, size_bytes)
    names = fallback_type_names(extra_specs)
    if names:
        if lookup_type is None:
            raise SpecError('%s is set but volume types cannot be looked up'
                            % KEY_FALLBACKS)
        fallbacks = []
        for n in names:
            try:
                f_extra, f_qos = lookup_type(n)
            except LookupError as e:
                raise SpecError('%s names %r: %s' % (KEY_FALLBACKS, n, e))
            fallbacks.append(performance(f_extra, f_qos, size_bytes))
        spec['fallbacks'] = fallbacks
    return spec


def create_body(name, size_bytes, spec, client_spine=None, source=None):
    """The ``POST /v1/volumes`` body."""
    body = {'name': name, 'sizeBytes': size_bytes}
    body.update(spec)
    if client_spine:
        body['clientSpine'] = client_spine
    if source:
        body['source'] = source
    return body


def _number(d, key, integer=False):
    raw = d.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise SpecError('%s must be a number, was %r' % (key, raw))
    if not v >= 0 or v == float('inf'):
        raise SpecError('%s must be a finite number >= 0, was %r' % (key, raw))
    if integer:
        if v != int(v):
            raise SpecError('%s must be a whole number, was %r' % (key, raw))
        return int(v)
    return v


def _qos_rate(qos, suffix, size_gb, integer=False):
    """total_X, else read_X + write_X, else total_X_per_gb x size."""
    total = _number(qos, 'total_' + suffix, integer)
    if total is not None:
        return total
    read = _number(qos, 'read_' + suffix, integer)
    write = _number(qos, 'write_' + suffix, integer)
    if read is not None or write is not None:
        return (read or 0) + (write or 0)
    per_gb = _number(qos, 'total_%s_per_gb' % suffix)
    if per_gb is None:
        return None
    v = per_gb * size_gb
    floor = _number(qos, 'total_%s_per_gb_min' % suffix)
    if floor is not None:
        v = max(v, floor)
    return int(round(v)) if integer else v
