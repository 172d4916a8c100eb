"""TLS options against a real TLS endpoint (a relay in front of the
gateway, certificate made with openssl for 127.0.0.1)."""

import os
import subprocess
import sys
import tempfile
from urllib import parse

from cinder import exception

from tests import base


class TlsTest(base.GatewayTestCase):

    def setUp(self):
        super().setUp()
        d = tempfile.mkdtemp(prefix='sg-cinder-tls-')
        self.addCleanup(base.shutil.rmtree, d)
        self.cert = os.path.join(d, 'cert.pem')
        key = os.path.join(d, 'key.pem')
        base.run('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                 '-days', '1', '-subj', '/CN=127.0.0.1', '-addext',
                 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out',
                 self.cert)
        port = parse.urlsplit(self.url).port
        self.proxy = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__),
                                          'tls_proxy.py'),
             self.cert, key, str(port)], stdout=subprocess.PIPE)
        self.addCleanup(self.stop_proxy)
        line = self.proxy.stdout.readline().decode().strip()
        self.assertTrue(line.isdigit(), 'TLS relay did not start: %r' % line)
        self.https = 'https://127.0.0.1:%s' % line

    def stop_proxy(self):
        self.proxy.kill()
        self.proxy.wait()

    def test_verified_with_the_ca_file(self):
        d = self.make_driver(shardgate_gateway_urls=[self.https],
                             shardgate_ssl_ca_file=self.cert)
        d.check_for_setup_error()
        v = self.volume()
        d.create_volume(v)
        self.addCleanup(self.delete_quietly, v.name)
        self.assertEqual(base.GIB, self.gateway.volume(v.name)['sizeBytes'])

    def test_an_unknown_certificate_is_refused(self):
        d = self.make_driver(shardgate_gateway_urls=[self.https])
        e = self.assertRaises(exception.VolumeBackendAPIException,
                              d.check_for_setup_error)
        self.assertIn('TLS error', str(e))
        self.assertIn('certificate verify failed', str(e))

    def test_verification_can_be_turned_off(self):
        d = self.make_driver(shardgate_gateway_urls=[self.https],
                             shardgate_ssl_verify=False)
        d.check_for_setup_error()
