"""The driver inside a real ``cinder-volume`` service, configured by a
``cinder.conf`` backend section (oslo.messaging's in-process ``fake``
transport, an sqlite database): it loads, fails over to the live gateway and
initializes; a wrong token fails the start-up with a message naming the
options to check."""

import os
import signal
import subprocess
import sys
import tempfile
import time

from tests import base

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTED = 'Driver post RPC initialization completed successfully'


class CinderVolumeServiceTest(base.GatewayTestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='sg-cinder-volume-')
        self.addCleanup(base.shutil.rmtree, self.dir)

    def conf(self, **backend):
        d = self.dir
        lines = ['[DEFAULT]', 'state_path = %s' % d, 'transport_url = fake:/',
                 'enabled_backends = shardgate', 'host = smoke',
                 'log_file = %s/cinder-volume.log' % d,
                 '[database]', 'connection = sqlite:///%s/cinder.sqlite' % d,
                 '[oslo_concurrency]', 'lock_path = %s' % d,
                 '[shardgate]',
                 'volume_driver = shardgate_cinder.driver.ShardGateDriver',
                 'volume_backend_name = shardgate']
        lines += ['%s = %s' % kv for kv in sorted(backend.items())]
        path = os.path.join(d, 'cinder.conf')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        self.cinder(path, 'cinder.cmd.manage', 'cinder-manage', 'db', 'sync',
                    wait=True)
        return path

    def cinder(self, conf, module, name, *args, wait=False):
        code = ('import sys; sys.argv = %r; from %s import main; '
                'sys.exit(main())' % ([name, '--config-file', conf]
                                      + list(args), module))
        env = dict(os.environ, PYTHONPATH=HERE)
        p = subprocess.Popen([sys.executable, '-c', code], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        if wait:
            out = p.communicate(timeout=120)[0].decode()
            self.assertEqual(0, p.returncode, out)
            return None
        self.addCleanup(self.stop, p)
        return p

    @staticmethod
    def stop(p):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def log_until(self, *needles, timeout=60):
        path = os.path.join(self.dir, 'cinder-volume.log')
        deadline = time.monotonic() + timeout
        text = ''
        while time.monotonic() < deadline:
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read()
                if any(n in text for n in needles):
                    return text
            time.sleep(0.5)
        raise AssertionError('cinder-volume logged none of %r in %ss:\n%s'
                             % (needles, timeout, text[-3000:]))

    def test_starts_with_the_driver_and_fails_over(self):
        dead = 'http://127.0.0.1:%d' % base.closed_port()
        conf = self.conf(shardgate_gateway_urls='%s,%s' % (dead, self.url),
                         shardgate_token_file=self.token_file,
                         shardgate_nbd_endpoints=self.nbd)
        self.cinder(conf, 'cinder.cmd.volume', 'cinder-volume')
        log = self.log_until(STARTED, 'ERROR')
        self.assertIn('Starting volume driver ShardGateDriver', log)
        self.assertIn('gateway servers in', log)
        self.assertIn('via %s' % self.url, log)
        self.assertIn(STARTED, log)

    def test_a_wrong_token_fails_the_start_with_what_to_check(self):
        conf = self.conf(shardgate_gateway_urls=self.url,
                         shardgate_token='wrong-token',
                         shardgate_nbd_endpoints=self.nbd)
        self.cinder(conf, 'cinder.cmd.volume', 'cinder-volume')
        log = self.log_until('Failed to initialize driver', STARTED)
        self.assertIn('Failed to initialize driver', log)
        self.assertIn("refused the driver's credentials", log)
        self.assertIn('shardgate_token', log)
