"""Shared set-up: the running gateway from the environment, a configured
driver, volume types in Cinder's test database, and real client tools.

The gateway is real: ``run-tests.sh`` starts ``gateway.jar serve --embedded``
and exports ``SHARDGATE_TEST_URL``, ``SHARDGATE_TEST_TOKEN_FILE`` and
``SHARDGATE_TEST_NBD`` (host:port). Without them every test fails with a
message saying so (it never skips).
"""

import os
import shutil
import subprocess
import uuid

from cinder import context
from cinder.tests.unit import test
from cinder.tests.unit import utils as test_utils
from cinder.volume import configuration as conf
from cinder.volume import driver as cinder_driver
from cinder.volume import qos_specs
from cinder.volume import volume_types

from shardgate_cinder import client as gw
from shardgate_cinder import driver
from shardgate_cinder import options

GROUP = 'shardgate-test'
BACKEND = 'shardgate'
GIB = 1 << 30


def env(name):
    v = os.environ.get(name)
    if not v:
        raise AssertionError(
            '%s is not set: run the tests with cinder-backend/run-tests.sh, '
            'which starts a real gateway' % name)
    return v


def tool(name):
    path = shutil.which(name)
    if not path:
        raise AssertionError('%s is missing: install it (Debian: qemu-utils '
                             'for qemu-img/qemu-io, libnbd-bin for nbdinfo)'
                             % name)
    return path


def run(*cmd):
    """Runs a client tool; fails the test with its output on error."""
    tool(cmd[0])
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    if p.returncode != 0:
        raise AssertionError('%s exited %d: %s' % (' '.join(cmd), p.returncode,
                                                  p.stdout.decode()))
    return p.stdout.decode()


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class GatewayTestCase(test.TestCase):
    """A Cinder test case with a driver configured for the running gateway."""

    def setUp(self):
        super().setUp()
        self.url = env('SHARDGATE_TEST_URL')
        self.token_file = env('SHARDGATE_TEST_TOKEN_FILE')
        self.nbd = env('SHARDGATE_TEST_NBD')
        self.ctx = context.get_admin_context()
        self.ctx.project_id = str(uuid.uuid4())
        self.ctx.user_id = str(uuid.uuid4())
        self.driver = self.make_driver()
        self.backend_host = 'test@' + BACKEND
        # A client of our own to look at the gateway independently.
        with open(self.token_file) as f:
            self.gateway = gw.GatewayClient(
                [self.url], gw.TokenSource(token=f.read().strip()))

    def make_driver(self, **overrides):
        values = {'shardgate_gateway_urls': [self.url],
                  'shardgate_token_file': self.token_file,
                  'shardgate_nbd_endpoints': [self.nbd],
                  'volume_backend_name': BACKEND}
        values.update(overrides)
        configuration = conf.Configuration(cinder_driver.volume_opts,
                                           config_group=GROUP)
        configuration.append_config_values(options.shardgate_opts)
        for k, v in values.items():
            self.override_config(k, v, group=GROUP)
        d = driver.ShardGateDriver(configuration=configuration,
                                   host='test@%s' % BACKEND)
        d.do_setup(self.ctx)
        return d

    def volume_manager(self):
        """Cinder's own VolumeManager, in a backend section, with this driver
        (no RPC: calls are made on it directly)."""
        from cinder.volume import manager  # after Cinder's objects register
        group = 'shardgate-manager'
        conf.Configuration(options.shardgate_opts, config_group=group)
        for k, v in {'shardgate_gateway_urls': [self.url],
                     'shardgate_token_file': self.token_file,
                     'shardgate_nbd_endpoints': [self.nbd]}.items():
            self.override_config(k, v, group=group)
        m = manager.VolumeManager(
            volume_driver='shardgate_cinder.driver.ShardGateDriver',
            service_name=group)
        m.driver.do_setup(self.ctx)
        m.driver.set_initialized()
        m.stats = {'allocated_capacity_gb': 0, 'pools': {}}
        self.backend_host = m.host   # volumes made from now on are its own
        return m

    def volume_type(self, extra_specs=None, qos=None, name=None):
        """A volume type in Cinder's test database, QoS associated."""
        vt = volume_types.create(self.ctx, name or 'vt-' + uuid.uuid4().hex,
                                 extra_specs or {})
        if qos:
            q = qos_specs.create(self.ctx, 'qos-' + uuid.uuid4().hex, qos)
            qos_specs.associate_qos_with_type(self.ctx, q['id'], vt['id'])
        return vt

    def volume(self, vtype=None, size=1, pool='spine-1', **kwargs):
        vt = vtype or self.volume_type()
        v = test_utils.create_volume(
            self.ctx, host='%s#%s' % (self.backend_host, pool), size=size,
            volume_type_id=vt['id'], status='creating', **kwargs)
        return v

    def created(self, vtype=None, size=1):
        """A volume the driver created on the gateway, deleted at the end."""
        v = self.volume(vtype, size)
        update = self.driver.create_volume(v)
        v.update(update)
        v.save()
        self.addCleanup(self.delete_quietly, v.name)
        return v

    def delete_quietly(self, name):
        try:
            self.gateway.delete_volume(name)
        except gw.NotFound:
            pass

    def assert_gone(self, name):
        self.assertRaises(gw.NotFound, self.gateway.volume, name)


class QemuIoSession(object):
    """One interactive ``qemu-io`` connection kept open across steps (as a
    VM's disk stays connected), each command's output awaited in turn."""

    PROMPT = b'qemu-io> '

    def __init__(self, uri, timeout=30):
        tool('qemu-io')
        tool('stdbuf')
        self.timeout = timeout
        self.proc = subprocess.Popen(
            ['stdbuf', '-o0', 'qemu-io', '-f', 'raw', uri],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        self._until_prompt()

    def run(self, command):
        """Runs one command; returns its output (without the prompt)."""
        self.proc.stdin.write(command.encode() + b'\n')
        self.proc.stdin.flush()
        return self._until_prompt()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write(b'quit\n')
            self.proc.stdin.flush()
            try:
                self.proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _until_prompt(self):
        import select
        import time
        out = b''
        deadline = time.monotonic() + self.timeout
        while not out.endswith(self.PROMPT):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError('qemu-io did not answer in %ss (exit %s):'
                                     ' %s' % (self.timeout, self.proc.poll(),
                                              out.decode(errors='replace')))
            ready, _w, _x = select.select([self.proc.stdout], [], [], left)
            if ready:
                out += os.read(self.proc.stdout.fileno(), 65536)
        return out[:-len(self.PROMPT)].decode(errors='replace')
