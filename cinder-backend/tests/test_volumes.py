"""Setup, stats, create/extend/delete, refusals, failover, manage: the driver
against the running gateway."""

import uuid

from cinder import db
from cinder import exception
from cinder.message import message_field
from cinder import objects

from shardgate_cinder import driver
from tests import base

GIB = base.GIB


class SetupTest(base.GatewayTestCase):

    def test_setup_checks_the_gateway(self):
        self.driver.check_for_setup_error()

    def test_a_wrong_token_says_which_options_to_check(self):
        d = self.make_driver(shardgate_token='not-the-token',
                             shardgate_token_file=None)
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              d.check_for_setup_error)
        self.assertIn('credentials', str(e))
        self.assertIn('shardgate_token', str(e))

    def test_keystone_credentials_instead_of_a_token(self):
        """The driver authenticates to Keystone; the gateway validates its
        token against the same real Keystone."""
        import os
        ks = {'shardgate_token_file': None,
              'shardgate_keystone_auth_url':
                  os.environ['SHARDGATE_TEST_KEYSTONE_URL'],
              'shardgate_keystone_username': 'admin',
              'shardgate_keystone_password':
                  os.environ['SHARDGATE_TEST_KEYSTONE_PASSWORD'],
              'shardgate_keystone_project_name': 'admin'}
        d = self.make_driver(**ks)
        d.check_for_setup_error()
        v = self.volume()
        d.create_volume(v)
        self.assertEqual(base.GIB, self.gateway.volume(v.name)['sizeBytes'])
        d.delete_volume(v)
        self.assert_gone(v.name)
        wrong = dict(ks, shardgate_keystone_password='not-the-password')
        self.assertRaises((exception.VolumeBackendAPIException,
                           exception.InvalidConfigurationValue),
                          lambda: self.make_driver(
                              **wrong).check_for_setup_error())

    def test_fails_over_to_the_next_gateway(self):
        dead = 'http://127.0.0.1:%d' % base.closed_port()
        d = self.make_driver(shardgate_gateway_urls=[dead, self.url])
        d.check_for_setup_error()
        self.assertEqual(self.url, d.client.current_url)

    def test_no_gateway_lists_every_attempt(self):
        urls = ['http://127.0.0.1:%d' % base.closed_port() for _ in range(2)]
        d = self.make_driver(shardgate_gateway_urls=urls,
                             shardgate_connect_timeout=1.0)
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              d.check_for_setup_error)
        for u in urls:
            self.assertIn(u, str(e))

    def test_tls_to_a_plain_port_is_a_clear_error(self):
        d = self.make_driver(shardgate_gateway_urls=[
            self.url.replace('http://', 'https://')])
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              d.check_for_setup_error)
        self.assertIn('TLS error', str(e))

    def test_bad_urls_are_configuration_errors(self):
        self.assertRaises(exception.InvalidConfigurationValue,
                          self.make_driver,
                          shardgate_gateway_urls=['ftp://x'])

    def test_a_missing_token_file_is_a_configuration_error(self):
        e = self.assertRaises(exception.InvalidConfigurationValue,
                              self.make_driver,
                              shardgate_token_file=self.token_file + '.no')
        self.assertIn('.no', str(e))

    def test_a_rotated_token_file_is_read_again_after_a_401(self):
        import shutil
        import tempfile
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = d + '/token'
        with open(path, 'w') as f:
            f.write('stale-token\n')
        drv = self.make_driver(shardgate_token_file=path)
        shutil.copy(self.token_file, path)   # the rotation
        drv.check_for_setup_error()          # 401, re-read, retried


class StatsTest(base.GatewayTestCase):

    def test_one_pool_per_spine_tracks_reservations(self):
        servers = self.gateway.servers()
        spines = sorted({s['spine'] for s in servers})
        before = self.pool(servers[0]['spine'])
        self.assertEqual(spines, [p['pool_name'] for p in
                                  self.driver.get_volume_stats(True)['pools']])
        self.assertEqual(sum(s['capacity']['iops'] for s in servers
                             if s['alive'] and s['spine'] == spines[0]),
                         before['total_iops'])
        self.assertEqual('capabilities.performance_headroom',
                         before['goodness_function'])
        # byte capacity: the gateway's store (a local directory here), the
        # same for every spine, a real figure rather than 'unknown'
        store = self.gateway.capacity()['store']
        self.assertAlmostEqual(store['totalBytes'] / float(1 << 30),
                               before['total_capacity_gb'], delta=0.01)
        self.assertGreater(before['free_capacity_gb'], 0)
        self.assertLessEqual(before['free_capacity_gb'],
                             before['total_capacity_gb'])
        v = self.created(self.volume_type({'sharding:iops': '4000',
                                           'sharding:throughput_mbps': '100'}),
                         size=2)
        spine = self.gateway.volume(v.name)['spine']
        after = self.pool(spine)
        self.assertEqual(before['free_iops'] - 4000, after['free_iops'])
        self.assertAlmostEqual(before['free_bandwidth_mbps'] - 100,
                               after['free_bandwidth_mbps'])
        self.assertGreaterEqual(after['provisioned_capacity_gb'],
                                before['provisioned_capacity_gb'] + 2)
        self.assertLessEqual(after['performance_headroom'],
                             before['performance_headroom'])
        self.assertEqual('up', self.driver.get_volume_stats(True)
                         ['backend_state'])

    def pool(self, spine):
        pools = self.driver.get_volume_stats(refresh=True)['pools']
        return next(p for p in pools if p['pool_name'] == spine)


class VolumeTest(base.GatewayTestCase):

    def test_create_extend_delete(self):
        vt = self.volume_type({'sharding:iops': '3000',
                               'sharding:throughput_mbps': '120',
                               'sharding:latency_us': '800',
                               'sharding:workload': 'database'})
        v = self.created(vt, size=1)
        self.assertEqual(v.name, v.provider_id)
        g = self.gateway.volume(v.name)
        self.assertEqual(GIB, g['sizeBytes'])
        self.assertEqual({'sizeBytes': GIB, 'iops': 3000,
                          'throughputMBps': 120.0, 'latencyUs': 800,
                          'workload': 'database'}, g['spec'])
        self.assertEqual(g['spine'], self.driver.get_pool(v))
        self.driver.extend_volume(v, 3)
        self.assertEqual(3 * GIB, self.gateway.volume(v.name)['sizeBytes'])
        self.driver.delete_volume(v)
        self.assert_gone(v.name)
        # Deleting what is already gone is not an error for Cinder.
        self.driver.delete_volume(v)

    def test_qos_specs_with_standard_names(self):
        vt = self.volume_type({}, qos={'consumer': 'back-end',
                                       'total_iops_sec': '2500',
                                       'total_bytes_sec': '80000000'})
        v = self.created(vt)
        spec = self.gateway.volume(v.name)['spec']
        self.assertEqual(2500, spec['iops'])
        self.assertAlmostEqual(80.0, spec['throughputMBps'])

    def test_fallback_types_are_used_when_the_spec_cannot_be_met(self):
        fallback = self.volume_type({'sharding:iops': '1000'})
        vt = self.volume_type({'sharding:iops': '900000000',
                               'sharding:fallback_types': fallback['name']})
        v = self.created(vt)
        g = self.gateway.volume(v.name)
        self.assertEqual(1, g['fallbackUsed'])
        self.assertEqual(1000, g['spec']['iops'])

    def test_a_bad_extra_spec_is_an_invalid_type(self):
        v = self.volume(self.volume_type({'sharding:iops': 'lots'}))
        e = self.assertRaises(exception.InvalidVolumeType,
                              self.driver.create_volume, v)
        self.assertIn('sharding:iops', str(e))
        self.assert_gone(v.name)

    def test_the_gateway_validates_what_it_owns(self):
        v = self.volume(self.volume_type({'sharding:workload': 'bitcoin'}))
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.create_volume, v)
        self.assertIn('workload', str(e))
        self.assert_gone(v.name)

    def test_refusal_raises_with_the_reason_and_records_it(self):
        v = self.volume(self.volume_type({'sharding:iops': '900000000'}))
        e = self.assertRaises(driver.ShardGateRefused,
                              self.driver.create_volume, v)
        self.assertIn('900000000', str(e))
        self.assertIn('iops', str(e))
        meta = db.volume_metadata_get(self.ctx, v.id)
        self.assertIn('900000000', meta[driver.REFUSAL_KEY])
        self.assert_gone(v.name)

    def test_a_lost_create_answer_is_taken_over_only_if_it_matches(self):
        v = self.volume(size=1)
        self.gateway.create_volume({'name': v.name, 'sizeBytes': GIB,
                                    'iops': 10})
        self.addCleanup(self.delete_quietly, v.name)
        self.assertEqual({'provider_id': v.name}, self.driver.create_volume(v))
        other = self.volume(size=2)
        self.gateway.create_volume({'name': other.name, 'sizeBytes': GIB,
                                    'iops': 10})
        self.addCleanup(self.delete_quietly, other.name)
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.create_volume, other)
        self.assertIn('exists', str(e))
        self.assertEqual(GIB, self.gateway.volume(other.name)['sizeBytes'])

    def test_a_later_accepted_spec_clears_the_recorded_refusal(self):
        from cinder import objects
        v = self.volume(self.volume_type({'sharding:iops': '900000000'}))
        self.assertRaises(driver.ShardGateRefused, self.driver.create_volume,
                          v)
        v = objects.Volume.get_by_id(self.ctx, v.id)
        self.assertIn(driver.REFUSAL_KEY, v.metadata)
        v.volume_type_id = self.volume_type({'sharding:iops': '100'})['id']
        v.save()
        self.driver.create_volume(v)
        self.addCleanup(self.delete_quietly, v.name)
        self.assertNotIn(driver.REFUSAL_KEY,
                         db.volume_metadata_get(self.ctx, v.id))

    def test_manage_existing_grows_to_whole_gib(self):
        name = 'legacy-' + uuid.uuid4().hex[:8]
        self.gateway.create_volume({'name': name, 'sizeBytes': GIB + GIB // 2,
                                    'iops': 100})
        self.addCleanup(self.delete_quietly, name)
        v = self.volume()
        ref = {'source-name': name}
        self.assertEqual(2, self.driver.manage_existing_get_size(v, ref))
        update = self.driver.manage_existing(v, ref)
        self.assertEqual({'provider_id': name}, update)
        self.assertEqual(2 * GIB, self.gateway.volume(name)['sizeBytes'])
        self.assertRaises(exception.ManageExistingInvalidReference,
                          self.driver.manage_existing_get_size, v,
                          {'source-name': 'nope-' + name})


class RefusalThroughCinderTest(base.GatewayTestCase):
    """Cinder's own volume manager creates the volume through the driver."""

    def test_refused_volume_is_in_error_with_a_user_message(self):
        manager = self.volume_manager()
        vol = self.volume(self.volume_type({'sharding:iops': '700000000'}))

        # Without a scheduler retry the manager re-raises after the flow has
        # put the volume in error (over RPC, oslo.messaging logs it).
        self.assertRaises(driver.ShardGateRefused, manager.create_volume,
                          self.ctx, vol)

        vol = objects.Volume.get_by_id(self.ctx, vol.id)
        self.assertEqual('error', vol.status)
        self.assertIn('700000000', vol.metadata[driver.REFUSAL_KEY])
        messages = db.message_get_all(self.ctx, filters={
            'resource_uuid': vol.id})
        self.assertEqual(
            [(message_field.Action.CREATE_VOLUME_FROM_BACKEND[0],
              message_field.Detail.DRIVER_FAILED_CREATE[0])],
            [(m['action_id'], m['detail_id']) for m in messages])
        self.assert_gone(vol.name)
