"""The driver's stats through Cinder's own scheduler pieces: the host
manager's pool states, the capacity filter and the goodness weigher."""

from oslo_utils import timeutils

from cinder.scheduler.filters import capacity_filter
from cinder.scheduler import host_manager
from cinder.scheduler.weights import goodness
from cinder.tests.unit import test

from shardgate_cinder import stats
from tests import base


def pool_states(capability):
    capability = dict(capability, timestamp=timeutils.utcnow())
    state = host_manager.BackendState('test@shardgate', None)
    state.update_from_volume_capability(capability)
    return state.pools


class SchedulerWithGatewayTest(base.GatewayTestCase):

    def test_pools_pass_the_capacity_filter_and_weigh_by_headroom(self):
        caps = self.driver.get_volume_stats(refresh=True)
        pools = pool_states(caps)
        self.assertEqual(sorted(p['pool_name'] for p in caps['pools']),
                         sorted(pools))
        for name, pool in pools.items():
            self.assertTrue(capacity_filter.CapacityFilter().backend_passes(
                pool, {'size': 100, 'request_spec': {'volume_id': 'x'}}))
            expected = next(p['performance_headroom'] for p in caps['pools']
                            if p['pool_name'] == name)
            self.assertGreater(expected, 0)
            self.assertEqual(expected, goodness.GoodnessWeigher()
                             ._weigh_object(pool, {}))


class GoodnessRankingTest(test.TestCase):

    def test_the_spine_with_more_headroom_weighs_more(self):
        def server(spine, reserved_iops, reserved_bw):
            return {'spine': spine, 'alive': True,
                    'capacity': {'iops': 10000, 'bandwidthMBps': 1000.0},
                    'reserved': {'iops': reserved_iops,
                                 'bandwidthMBps': reserved_bw}}

        pools = stats.spine_pools([server('busy', 9000, 100.0),
                                   server('calm', 1000, 600.0)])
        for p in pools:
            p['goodness_function'] = 'capabilities.performance_headroom'
        states = pool_states({'volume_backend_name': 'shardgate',
                              'vendor_name': 'ShardGate',
                              'driver_version': '1',
                              'storage_protocol': 'NBD', 'pools': pools})
        weigher = goodness.GoodnessWeigher()
        busy = weigher._weigh_object(states['busy'], {})
        calm = weigher._weigh_object(states['calm'], {})
        self.assertEqual((10, 40), (busy, calm))
