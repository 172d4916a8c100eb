"""Spec, stats and NBD translations (pure functions: no gateway needed)."""

from cinder.tests.unit import test

from shardgate_cinder import nbd
from shardgate_cinder import specs
from shardgate_cinder import stats

GIB = 1 << 30


class SpecsTest(test.TestCase):

    def test_scoped_extra_specs_make_the_spec(self):
        s = specs.performance({'sharding:iops': '5000',
                               'sharding:throughput_mbps': '200.5',
                               'sharding:latency_us': '500',
                               'sharding:workload': 'database',
                               'volume_backend_name': 'x'}, {}, GIB)
        self.assertEqual({'iops': 5000, 'throughputMBps': 200.5,
                          'latencyUs': 500, 'workload': 'database'}, s)

    def test_qos_standard_names(self):
        s = specs.performance({}, {'total_iops_sec': '3000',
                                   'total_bytes_sec': '150000000'}, GIB)
        self.assertEqual(3000, s['iops'])
        self.assertAlmostEqual(150.0, s['throughputMBps'])
        s = specs.performance({}, {'read_iops_sec': '1000',
                                   'write_iops_sec': '500'}, GIB)
        self.assertEqual(1500, s['iops'])

    def test_qos_per_gb_scales_with_size_and_has_a_floor(self):
        qos = {'total_iops_sec_per_gb': '30', 'total_iops_sec_per_gb_min':
               '500'}
        self.assertEqual(3000, specs.performance({}, qos, 100 * GIB)['iops'])
        self.assertEqual(500, specs.performance({}, qos, 10 * GIB)['iops'])

    def test_scoped_spec_wins_over_qos(self):
        s = specs.performance({'sharding:iops': '700'},
                              {'total_iops_sec': '9000'}, GIB)
        self.assertEqual(700, s['iops'])

    def test_front_end_qos_is_ignored(self):
        self.assertEqual({}, specs.backend_qos(
            {'qos_specs': {'consumer': 'front-end',
                           'specs': {'total_iops_sec': '1'}}}))
        self.assertEqual({'total_iops_sec': '1'}, specs.backend_qos(
            {'qos_specs': {'consumer': 'both',
                           'specs': {'total_iops_sec': '1'}}}))

    def test_bad_values_name_the_key(self):
        for bad in ('fast', '-1', '1.5', 'inf', 'nan'):
            e = self.assertRaises(specs.SpecError, specs.performance,
                                  {'sharding:iops': bad}, {}, GIB)
            self.assertIn('sharding:iops', str(e))

    def test_fallback_types_in_order(self):
        types = {'silver': ({'sharding:iops': '2000'}, {}),
                 'bronze': ({}, {'total_iops_sec': '500'})}

        def lookup(name):
            if name not in types:
                raise LookupError('no such volume type')
            return types[name]

        s = specs.gateway_spec({'sharding:iops': '9000',
                                'sharding:fallback_types': 'silver, bronze'},
                               {}, GIB, lookup)
        self.assertEqual([2000, 500], [f['iops'] for f in s['fallbacks']])
        e = self.assertRaises(specs.SpecError, specs.gateway_spec,
                              {'sharding:fallback_types': 'gold'}, {}, GIB,
                              lookup)
        self.assertIn("'gold'", str(e))

    def test_create_body(self):
        b = specs.create_body('v', GIB, {'iops': 1}, 'spine-2',
                              {'volume': 'a', 'snapshot': 's'})
        self.assertEqual({'name': 'v', 'sizeBytes': GIB, 'iops': 1,
                          'clientSpine': 'spine-2',
                          'source': {'volume': 'a', 'snapshot': 's'}}, b)


class StatsTest(test.TestCase):

    def server(self, sid, spine, iops, bw, r_iops, r_bw, alive=True):
        return {'id': sid, 'region': 'r1', 'spine': spine, 'alive': alive,
                'capacity': {'iops': iops, 'bandwidthMBps': bw},
                'reserved': {'iops': r_iops, 'bandwidthMBps': r_bw}}

    def test_one_pool_per_spine_with_free_performance(self):
        pools = stats.spine_pools([
            self.server('a', 's1', 1000, 100.0, 500, 10.0),
            self.server('b', 's1', 1000, 100.0, 0, 0.0),
            self.server('c', 's2', 1000, 100.0, 100, 90.0),
            self.server('d', 's2', 5000, 500.0, 0, 0.0, alive=False)],
            {'s1': 3})
        self.assertEqual(['s1', 's2'], [p['pool_name'] for p in pools])
        s1, s2 = pools
        self.assertEqual((2000, 1500), (s1['total_iops'], s1['free_iops']))
        self.assertEqual(190.0, s1['free_bandwidth_mbps'])
        self.assertEqual(3, s1['provisioned_capacity_gb'])
        # s2: the dead server counts for nothing; bandwidth is scarcer.
        self.assertEqual((1000, 900), (s2['total_iops'], s2['free_iops']))
        self.assertEqual((2, 1), (s2['servers'], s2['servers_alive']))
        self.assertEqual(10, s2['performance_headroom'])
        self.assertEqual(75, s1['performance_headroom'])

    def test_byte_capacity_from_the_store_or_unknown(self):
        gib = 1 << 30
        pools = stats.spine_pools(
            [self.server('a', 's1', 1000, 100.0, 0, 0.0),
             self.server('b', 's2', 1000, 100.0, 0, 0.0)], {},
            {'totalBytes': 10 * gib, 'usedBytes': 3 * gib,
             'availableBytes': 7 * gib + gib // 2}, 20.0)
        self.assertEqual([(10.0, 7.5, 20.0)] * 2,
                         [(p['total_capacity_gb'], p['free_capacity_gb'],
                           p['max_over_subscription_ratio']) for p in pools])
        unknown = stats.spine_pools([self.server('a', 's1', 1, 1.0, 0, 0.0)])
        self.assertEqual(('unknown', 'unknown'),
                         (unknown[0]['total_capacity_gb'],
                          unknown[0]['free_capacity_gb']))

    def test_headroom_bounds(self):
        self.assertEqual(0, stats.headroom(10, 0, 10, 10))
        self.assertEqual(100, stats.headroom(10, 10, 10, 10))
        self.assertEqual(0, stats.headroom(-5, 10, 10, 10))


class NbdTest(test.TestCase):

    def test_endpoints_from_config_or_urls(self):
        self.assertEqual([('10.0.0.1', 10809), ('::1', 10810)],
                         nbd.endpoints(['10.0.0.1:10809', '[::1]:10810'],
                                       [], 1))
        self.assertEqual([('a', 7), ('b', 7)],
                         nbd.endpoints([], ['http://a:8080', 'https://b',
                                            'http://a:9'], 7))
        self.assertRaises(ValueError, nbd.endpoints, ['nohost'], [], 1)

    def test_connection_info_is_a_network_disk(self):
        info = nbd.connection_info('volume-1', [('h1', 10809), ('h2', 1)],
                                   'id-1')
        self.assertEqual('nbd', info['driver_volume_type'])
        d = info['data']
        self.assertEqual('volume-1', d['name'])
        self.assertEqual(['h1', 'h2'], d['hosts'])
        self.assertEqual(['10809', '1'], d['ports'])
        self.assertEqual('nbd://h1:10809/volume-1', d['uri'])
        self.assertEqual('nbd://[::1]:5/a%2Fb', nbd.uri('::1', 5, 'a/b'))


class InterfaceTest(test.TestCase):
    """Cinder's own compliance check (what its compliance suite runs)."""

    def test_implements_cinder_driver_interfaces(self):
        from cinder.interface import volume_driver
        from cinder.interface import volume_manageable_driver
        from cinder.interface import volume_snapshot_revert

        from shardgate_cinder import driver
        for iface in (volume_driver.VolumeDriverCore,
                      volume_manageable_driver.VolumeManagementDriver,
                      volume_snapshot_revert.VolumeSnapshotRevertDriver):
            self.assertTrue(issubclass(driver.ShardGateDriver, iface),
                            iface.__name__)
        self.assertIn('shardgate_gateway_urls',
                      [o.name for o in
                       driver.ShardGateDriver.get_driver_options()])
