"""NBD connection info opened with real clients (qemu-io, qemu-img, nbdinfo),
and image copies to and from a volume's export."""

import os
import tempfile

from cinder import exception

from tests import base

GIB = base.GIB
MIB = 1 << 20


class ConnectionTest(base.GatewayTestCase):

    def test_iscsi_connection_info_with_chap_opens_in_qemu(self):
        drv = self.make_driver(shardgate_protocol='iscsi')
        v = self.created(self.volume_type({'sharding:iops': '2000'}))
        host = {'host': 'compute-1',
                'initiator': 'iqn.1994-05.com.example:compute-1'}
        self.assertRaises(exception.InvalidConnectorException,
                          drv.initialize_connection, v, {'host': 'x'})
        info = drv.initialize_connection(v, host)
        self.assertEqual('iscsi', info['driver_volume_type'])
        d = info['data']
        self.assertEqual(os.environ['SHARDGATE_TEST_ISCSI'],
                         d['target_portal'])
        self.assertEqual([d['target_portal']], d['target_portals'])
        self.assertEqual(0, d['target_lun'])
        self.assertEqual('CHAP', d['auth_method'])
        url = 'iscsi://%s%%%s@%s/%s/%d' % (
            d['auth_username'], d['auth_password'], d['target_portal'],
            d['target_iqn'], d['target_lun'])
        out = base.run('qemu-io', '-f', 'raw', '-c',
                       'write -P 0x5a 0 %d' % MIB, '-c',
                       'read -P 0x5a 0 %d' % MIB, url)
        self.assertNotIn('Pattern verification failed', out)
        anonymous = 'iscsi://%s/%s/0' % (d['target_portal'], d['target_iqn'])
        self.assertRaises(AssertionError, base.run, 'qemu-io', '-f', 'raw', '-c',
                          'read 0 4096', anonymous)
        drv.terminate_connection(v, host)
        self.assertRaises(AssertionError, base.run, 'qemu-io', '-f', 'raw', '-c',
                          'read 0 4096', url)
        # attached again: new credentials, the data is still there
        d = drv.initialize_connection(v, host)['data']
        url = 'iscsi://%s%%%s@%s/%s/0' % (
            d['auth_username'], d['auth_password'], d['target_portal'],
            d['target_iqn'])
        out = base.run('qemu-io', '-f', 'raw', '-c',
                       'read -P 0x5a 0 %d' % MIB, url)
        self.assertNotIn('Pattern verification failed', out)
        drv.terminate_connection(v, host)

    def test_connection_info_opens_in_qemu_and_keeps_data(self):
        v = self.created(self.volume_type({'sharding:iops': '2000'}))
        export = self.driver.create_export(self.ctx, v, {})
        info = self.driver.initialize_connection(v, {'host': 'compute-1'})
        self.assertEqual('nbd', info['driver_volume_type'])
        d = info['data']
        # What libvirt builds from the network-disk fields is what QEMU opens.
        uri = 'nbd://%s:%s/%s' % (d['hosts'][0], d['ports'][0], d['name'])
        self.assertEqual(uri, d['uri'])
        self.assertEqual(uri, export['provider_location'])
        self.assertEqual(str(GIB), base.run('nbdinfo', '--size', uri).strip())

        data = os.urandom(3 * MIB + 4096)
        src = self.tmpfile(data)
        base.run('qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'raw', src,
                 uri)
        base.run('qemu-io', '-f', 'raw', '-c',
                 'write -P 0xc3 %d %d' % (512 * MIB, MIB), uri)
        self.driver.terminate_connection(v, {'host': 'compute-1'})

        # Extend (online: no detach), then read everything back.
        self.driver.extend_volume(v, 2)
        info = self.driver.initialize_connection(v, {'host': 'compute-2'})
        uri = info['data']['uri']
        self.assertEqual(str(2 * GIB),
                         base.run('nbdinfo', '--size', uri).strip())
        out = base.run('qemu-io', '-f', 'raw', '-c',
                       'read -P 0xc3 %d %d' % (512 * MIB, MIB), '-c',
                       'read -P 0 %d %d' % (GIB, MIB), uri)
        self.assertNotIn('Pattern verification failed', out)
        copy = self.tmpfile(b'')
        base.run('qemu-img', 'convert', '-f', 'raw', '-O', 'raw', uri, copy)
        with open(copy, 'rb') as f:
            self.assertEqual(data, f.read(len(data)))
        self.driver.remove_export(self.ctx, v)

    def test_extend_while_a_client_stays_connected(self):
        v = self.created(size=1)
        uri = self.driver.initialize_connection(v, {})['data']['uri']
        session = base.QemuIoSession(uri)
        self.addCleanup(session.close)
        self.assertIn('wrote', session.run('write -P 0x33 0 %d' % MIB))

        self.driver.extend_volume(v, 2)

        # The open connection keeps working through the extend...
        self.assertIn('wrote', session.run('write -P 0x34 %d %d'
                                           % (MIB, MIB)))
        out = session.run('read -P 0x33 0 %d' % MIB)
        self.assertNotIn('failed', out)
        self.assertIn('read', out)
        session.close()
        # ...and a new one sees the new size, the data, and the new space.
        self.assertEqual(str(2 * GIB),
                         base.run('nbdinfo', '--size', uri).strip())
        base.run('qemu-io', '-f', 'raw', '-c',
                 'write -P 0x35 %d %d' % (GIB + MIB, MIB), '-c',
                 'read -P 0x34 %d %d' % (MIB, MIB), '-c',
                 'read -P 0x35 %d %d' % (GIB + MIB, MIB), uri)

    def test_qemu_io_detects_a_wrong_pattern(self):
        # The checks can fail: qemu-io exits 1 on a pattern mismatch, which
        # base.run turns into a test failure.
        v = self.created()
        uri = self.driver.initialize_connection(v, {})['data']['uri']
        base.run('qemu-io', '-f', 'raw', '-c', 'write -P 0x11 0 4096', uri)
        e = self.assertRaises(AssertionError, base.run, 'qemu-io', '-f',
                              'raw', '-c', 'read -P 0x22 0 4096', uri)
        self.assertIn('Pattern verification failed', str(e))

    def tmpfile(self, data):
        fd, path = tempfile.mkstemp(prefix='sg-cinder-')
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        self.addCleanup(os.unlink, path)
        return path


class MemoryImageService(object):
    """Glance's role for these tests: images as bytes in memory (Glance is
    not part of what is tested here; the bytes are real qemu-img images)."""

    def __init__(self):
        self.images = {}
        self.data = {}

    def add(self, image_id, disk_format, data):
        self.images[image_id] = {'id': image_id, 'disk_format': disk_format,
                                 'container_format': 'bare',
                                 'size': len(data), 'properties': {}}
        self.data[image_id] = data

    def show(self, context, image_id):
        return dict(self.images[image_id])

    def download(self, context, image_id, data):
        data.write(self.data[image_id])

    def update(self, context, image_id, metadata, data=None,
               purge_props=False, store_id=None, base_image_ref=None):
        self.data[image_id] = data.read()
        return self.images[image_id]


class ImageTest(base.GatewayTestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='sg-cinder-img-')
        self.addCleanup(base.shutil.rmtree, self.dir)
        self.flags(image_conversion_dir=self.dir)
        self.images = MemoryImageService()

    def qcow2(self, name, size, *qemu_io_cmds, backing=None):
        path = os.path.join(self.dir, name)
        cmd = ['qemu-img', 'create', '-f', 'qcow2']
        if backing:
            cmd += ['-b', backing, '-F', 'qcow2']
        base.run(*(cmd + [path, str(size)]))
        for c in qemu_io_cmds:
            base.run('qemu-io', '-f', 'qcow2', '-c', c, path)
        with open(path, 'rb') as f:
            self.images.add(name, 'qcow2', f.read())
        return path

    def test_image_to_volume_to_image(self):
        img = self.qcow2('img1', 64 * MIB,
                         'write -P 0x5a %d %d' % (MIB, 2 * MIB),
                         'write -P 0xa5 %d 4096' % (60 * MIB))
        v = self.created()
        self.driver.copy_image_to_volume(self.ctx, v, self.images, 'img1')
        uri = self.driver.initialize_connection(v, {})['data']['uri']
        out = base.run('qemu-img', 'compare', '-f', 'qcow2', '-F', 'raw', img,
                       uri)
        self.assertIn('Images are identical', out)

        self.images.add('up1', 'qcow2', b'')
        self.driver.copy_volume_to_image(
            self.ctx, v, self.images, {'id': 'up1', 'disk_format': 'qcow2',
                                       'container_format': 'bare'})
        uploaded = os.path.join(self.dir, 'up1.qcow2')
        with open(uploaded, 'wb') as f:
            f.write(self.images.data['up1'])
        info = base.run('qemu-img', 'info', '--output=json', uploaded)
        self.assertIn('"format": "qcow2"', info)
        self.assertIn('"virtual-size": %d' % GIB, info)
        out = base.run('qemu-img', 'compare', '-f', 'qcow2', '-F', 'qcow2',
                       img, uploaded)
        self.assertIn('Images are identical', out)

    def test_an_image_larger_than_the_volume_is_refused(self):
        self.qcow2('big', 2 * GIB)
        v = self.created()
        self.assertRaises(exception.ImageTooBig,
                          self.driver.copy_image_to_volume, self.ctx, v,
                          self.images, 'big')

    def test_an_image_with_a_backing_file_is_refused(self):
        backing = self.qcow2('base', 16 * MIB, 'write -P 0x77 0 4096')
        self.qcow2('child', 16 * MIB, backing=backing)
        v = self.created()
        self.assertRaises(exception.Invalid,
                          self.driver.copy_image_to_volume, self.ctx, v,
                          self.images, 'child')
        uri = self.driver.initialize_connection(v, {})['data']['uri']
        out = base.run('qemu-io', '-f', 'raw', '-c', 'read -P 0 0 4096', uri)
        self.assertNotIn('Pattern verification failed', out)
