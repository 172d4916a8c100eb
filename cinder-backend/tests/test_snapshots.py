"""Snapshots, clones, revert and retype against the gateway's contract:
``/v1/volumes/{name}/snapshots``, ``source`` in the create body,
``/v1/volumes/{name}/revert`` and ``PUT /v1/volumes/{name}/spec``.

These need the gateway's snapshot and spec endpoints; until a gateway has
them, they fail with the gateway's own answer (404 no route, or 400 unknown
field 'source').
"""

from cinder import db
from cinder.tests.unit import utils as test_utils
from cinder import exception

from shardgate_cinder import driver
from tests import base

MIB = 1 << 20


class SnapshotTest(base.GatewayTestCase):

    def test_snapshot_clone_revert_and_delete(self):
        vt = self.volume_type({'sharding:iops': '1000'})
        src = self.created(vt)
        src_uri = self.uri(src)
        self.pattern(src_uri, 'write', 0x01)

        snap = test_utils.create_snapshot(self.ctx, src.id)
        snap.update(self.driver.create_snapshot(snap))
        snap.save()
        names = [s['name'] for s in self.gateway.snapshots(src.name)]
        self.assertIn(snap.name, names)
        self.pattern(src_uri, 'write', 0x02)

        from_snap = self.volume(vt, size=2)
        from_snap.update(self.driver.create_volume_from_snapshot(from_snap,
                                                                 snap))
        self.addCleanup(self.delete_quietly, from_snap.name)
        self.assertEqual(2 * base.GIB,
                         self.gateway.volume(from_snap.name)['sizeBytes'])
        self.pattern(self.uri(from_snap), 'read', 0x01)

        clone = self.volume(vt)
        clone.update(self.driver.create_cloned_volume(clone, src))
        self.addCleanup(self.delete_quietly, clone.name)
        self.pattern(self.uri(clone), 'read', 0x02)

        # Writes to a clone stay in the clone.
        self.pattern(self.uri(clone), 'write', 0x03)
        self.pattern(src_uri, 'read', 0x02)

        self.driver.revert_to_snapshot(self.ctx, src, snap)
        self.pattern(src_uri, 'read', 0x01)

        # A snapshot that volumes still read through: refused as busy, or
        # deleted with their data intact; either way nothing is lost. Which
        # volumes depend on it is the gateway's call (a clone of the live
        # volume may share the snapshot's frozen layer).
        try:
            self.driver.delete_snapshot(snap)
            deleted = True
        except exception.SnapshotIsBusy:
            deleted = False
        self.pattern(self.uri(from_snap), 'read', 0x01)
        self.pattern(self.uri(clone), 'read', 0x03)
        if not deleted:
            self.driver.delete_volume(from_snap)
            self.driver.delete_volume(clone)
            self.driver.delete_snapshot(snap)
        self.assertNotIn(snap.name, [s['name'] for s in
                                     self.gateway.snapshots(src.name)])
        # Already gone: still fine for Cinder.
        self.driver.delete_snapshot(snap)

    def uri(self, volume):  # also used with other test cases as self
        return self.driver.initialize_connection(volume, {})['data']['uri']

    @staticmethod
    def pattern(uri, op, byte):
        base.run('qemu-io', '-f', 'raw', '-c',
                 '%s -P 0x%02x 0 %d' % (op, byte, MIB), uri)


class SnapshotThroughCinderTest(base.GatewayTestCase):
    """Cinder's own volume manager runs the snapshot flows on the driver."""

    def test_deleting_a_snapshot_a_volume_came_from_keeps_its_data(self):
        """The gateway keeps a deleted snapshot's chunk layer while volumes read it, so Cinder's delete succeeds."""
        from cinder import objects
        manager = self.volume_manager()
        vt = self.volume_type({'sharding:iops': '500'})
        src = self.volume(vt)
        manager.create_volume(self.ctx, src)
        src = objects.Volume.get_by_id(self.ctx, src.id)
        self.assertEqual('available', src.status)
        self.addCleanup(self.delete_quietly, src.name)
        SnapshotTest.pattern(SnapshotTest.uri(self, src), 'write', 0x61)

        snap = test_utils.create_snapshot(self.ctx, src.id)
        manager.create_snapshot(self.ctx, snap)
        snap = objects.Snapshot.get_by_id(self.ctx, snap.id)
        self.assertEqual('available', snap.status)

        child = self.volume(vt, snapshot_id=snap.id)
        manager.create_volume(self.ctx, child)
        child = objects.Volume.get_by_id(self.ctx, child.id)
        self.assertEqual('available', child.status)
        self.addCleanup(self.delete_quietly, child.name)

        manager.delete_snapshot(self.ctx, snap)
        self.assertEqual([], self.gateway.snapshots(src.name))
        SnapshotTest.pattern(SnapshotTest.uri(self, child), 'read', 0x61)
        SnapshotTest.pattern(SnapshotTest.uri(self, src), 'write', 0x62)
        SnapshotTest.pattern(SnapshotTest.uri(self, child), 'read', 0x61)

        manager.delete_volume(self.ctx, src)
        self.assert_gone(src.name)
        SnapshotTest.pattern(SnapshotTest.uri(self, child), 'read', 0x61)
        manager.delete_volume(self.ctx, child)
        self.assert_gone(child.name)


class RetypeTest(base.GatewayTestCase):

    def host(self, backend=base.BACKEND):
        return {'host': 'test@%s#spine-1' % backend, 'capabilities': {}}

    def test_retype_replans_the_volume_live(self):
        v = self.created(self.volume_type({'sharding:iops': '1000'}))
        uri = self.driver.initialize_connection(v, {})['data']['uri']
        SnapshotTest.pattern(uri, 'write', 0x42)
        new = self.volume_type({'sharding:iops': '6000',
                                'sharding:workload': 'database'})
        self.assertEqual((True, None),
                         self.driver.retype(self.ctx, v, new, {}, self.host()))
        spec = self.gateway.volume(v.name)['spec']
        self.assertEqual((6000, 'database'), (spec['iops'], spec['workload']))
        SnapshotTest.pattern(uri, 'read', 0x42)

    def test_a_refused_retype_keeps_the_volume_and_says_why(self):
        v = self.created(self.volume_type({'sharding:iops': '1000'}))
        new = self.volume_type({'sharding:iops': '900000000'})
        self.assertFalse(self.driver.retype(self.ctx, v, new, {},
                                            self.host()))
        self.assertEqual(1000, self.gateway.volume(v.name)['spec']['iops'])
        meta = db.volume_metadata_get(self.ctx, v.id)
        self.assertIn('900000000', meta[driver.REFUSAL_KEY])
        # A later accepted retype clears it.
        v.metadata = meta
        ok = self.volume_type({'sharding:iops': '1500'})
        self.assertEqual((True, None),
                         self.driver.retype(self.ctx, v, ok, {}, self.host()))
        self.assertNotIn(driver.REFUSAL_KEY,
                         db.volume_metadata_get(self.ctx, v.id))

    def test_retype_to_another_backend_is_left_to_cinder(self):
        v = self.created(self.volume_type({'sharding:iops': '1000'}))
        new = self.volume_type({'sharding:iops': '2000'})
        self.assertFalse(self.driver.retype(self.ctx, v, new, {},
                                            self.host('other')))
        self.assertEqual(1000, self.gateway.volume(v.name)['spec']['iops'])
