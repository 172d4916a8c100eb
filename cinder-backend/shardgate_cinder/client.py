"""A small client of the gateway's REST API (``/v1``, JSON, bearer token).

Thread-safety: one instance may be shared by the driver's green threads; the
only mutable state is the index of the gateway that answered last.
Errors: every non-2xx answer raises a :class:`GatewayError` subclass chosen by
the gateway's stable ``error`` code (never by message text); when no gateway
answers, :class:`GatewayUnavailable` lists what each URL did.
Import order: like every requests user under eventlet, import this after
``eventlet.monkey_patch()`` (cinder-volume patches before loading drivers),
or https calls recurse in eventlet's ``SSLContext``.
"""

import json
import logging
from urllib import parse

import requests

LOG = logging.getLogger(__name__)

# Methods that may be resent to another gateway after a read timeout: the
# request may have been applied by the first one, so only repeatable ones.
_IDEMPOTENT = frozenset(['GET', 'PUT', 'DELETE'])


class GatewayError(Exception):
    """A gateway answered with an error.

    :ivar status: HTTP status
    :ivar code: the gateway's ``error`` code (``invalid``, ``not_found``,
        ``exists``, ``refused``, ``in_use``, ``conflict``, ...)
    :ivar body: the decoded JSON error body (a dict, maybe empty)
    """

    def __init__(self, status, code, message, body=None):
        super().__init__('gateway answered %s %s: %s'
                         % (status, code, message))
        self.status = status
        self.code = code
        self.reason = message
        self.body = body or {}


class Refused(GatewayError):
    """409 ``refused``: no spine can meet the spec nor a fallback."""

    @property
    def summary(self):
        """The planner's one-line reason (falls back to the message)."""
        refusal = self.body.get('refusal') or {}
        return refusal.get('summary') or self.reason

    @property
    def shortfalls(self):
        """``[{spine, resource, required, available, missing}, ...]``."""
        return (self.body.get('refusal') or {}).get('shortfalls') or []


class NotFound(GatewayError):
    """404: unknown volume or snapshot, or a route this gateway lacks."""


class Conflict(GatewayError):
    """409 other than ``refused``: ``exists``, ``in_use``, ``conflict``."""


class Invalid(GatewayError):
    """400 ``invalid``: ``body['field']`` names the field at fault."""


class Unauthorized(GatewayError):
    """401: the token was missing or refused."""


class CredentialsError(GatewayError):
    """No token could be had: unreadable token file, Keystone failure."""

    def __init__(self, message):
        super().__init__(None, 'credentials', message)


class GatewayUnavailable(GatewayError):
    """No configured gateway answered (connection errors, timeouts, 503)."""

    def __init__(self, attempts):
        super().__init__(None, 'unavailable',
                         'no gateway answered: ' + '; '.join(attempts))
        self.attempts = attempts


def _error_for(status, body):
    code = body.get('error') or 'http_%d' % status
    message = body.get('message') or ''
    if status == 409 and code == 'refused':
        return Refused(status, code, message, body)
    if status == 409:
        return Conflict(status, code, message, body)
    if status == 404:
        return NotFound(status, code, message, body)
    if status == 400:
        return Invalid(status, code, message, body)
    if status == 401:
        return Unauthorized(status, code, message, body)
    return GatewayError(status, code, message, body)


class GatewayClient(object):
    """Calls the gateway's ``/v1`` routes, failing over between URLs.

    :param urls: base URLs (``http(s)://host:port``), tried in order starting
        with the one that answered last
    :param token_source: a :class:`TokenSource` giving the bearer token
    :param connect_timeout: seconds for the TCP (and TLS) connection
    :param read_timeout: seconds for the answer
    :param verify: ``True``, ``False`` or a CA bundle path (as requests)
    :param cert: ``None`` or ``(cert_file, key_file)`` for mutual TLS
    """

    def __init__(self, urls, token_source, connect_timeout=5.0,
                 read_timeout=60.0, verify=True, cert=None, session=None):
        if not urls:
            raise ValueError('at least one gateway URL is required')
        for u in urls:
            p = parse.urlparse(u)
            if p.scheme not in ('http', 'https') or not p.hostname:
                raise ValueError('gateway URL %r is not http(s)://host:port'
                                 % u)
        self.urls = [u.rstrip('/') for u in urls]
        self._tokens = token_source
        self._timeout = (connect_timeout, read_timeout)
        self._verify = verify
        self._cert = cert
        self._session = session or requests.Session()
        self._current = 0

    # -- routes ------------------------------------------------------------
    def health(self):
        return self._call('GET', '/v1/health')

    def servers(self):
        """``GET /v1/cluster/servers`` → the list of servers."""
        return self._call('GET', '/v1/cluster/servers')['servers']

    def capacity(self):
        """``GET /v1/cluster/capacity`` → provisioned bytes and, when the
        store has a bound, its ``store`` capacity; None from a gateway that
        predates the endpoint (404)."""
        try:
            return self._call('GET', '/v1/cluster/capacity')
        except GatewayError as e:
            if getattr(e, 'status', None) == 404:
                return None
            raise

    def volumes(self):
        return self._call('GET', '/v1/volumes')['volumes']

    def volume(self, name):
        return self._call('GET', '/v1/volumes/' + _q(name))

    def create_volume(self, body):
        """``POST /v1/volumes``; ``body`` may carry ``source``."""
        return self._call('POST', '/v1/volumes', body)

    def delete_volume(self, name):
        self._call('DELETE', '/v1/volumes/' + _q(name))

    def extend_volume(self, name, size_bytes):
        return self._call('POST', '/v1/volumes/%s/extend' % _q(name),
                          {'sizeBytes': size_bytes})

    def set_spec(self, name, spec):
        """``PUT /v1/volumes/{name}/spec``: re-plan the volume live."""
        return self._call('PUT', '/v1/volumes/%s/spec' % _q(name), spec)

    def create_snapshot(self, volume, snapshot):
        return self._call('POST', '/v1/volumes/%s/snapshots' % _q(volume),
                          {'name': snapshot})

    def snapshots(self, volume):
        return self._call('GET', '/v1/volumes/%s/snapshots'
                          % _q(volume))['snapshots']

    def delete_snapshot(self, volume, snapshot):
        self._call('DELETE', '/v1/volumes/%s/snapshots/%s'
                   % (_q(volume), _q(snapshot)))

    def revert(self, volume, snapshot):
        return self._call('POST', '/v1/volumes/%s/revert' % _q(volume),
                          {'snapshot': snapshot})

    def export(self, volume, protocol, initiator):
        """``POST /v1/volumes/{name}/exports``: connection details, and for
        iSCSI the volume's CHAP credentials, for one initiator."""
        return self._call('POST', '/v1/volumes/%s/exports' % _q(volume),
                          {'protocol': protocol, 'initiator': initiator})

    def unexport(self, volume, initiator):
        """Takes the initiator's access away (the last one rotates the
        volume's CHAP secret)."""
        self._call('DELETE', '/v1/volumes/%s/exports/%s'
                   % (_q(volume), _q(initiator)))

    # -- transport ---------------------------------------------------------
    @property
    def current_url(self):
        """The URL that answered last (the first one tried next time)."""
        return self.urls[self._current]

    def _call(self, method, path, body=None, _retry_auth=True):
        attempts = []
        n = len(self.urls)
        start = self._current
        for i in range(n):
            idx = (start + i) % n
            url = self.urls[idx] + path
            try:
                resp = self._session.request(
                    method, url, timeout=self._timeout, verify=self._verify,
                    cert=self._cert,
                    data=None if body is None else json.dumps(body),
                    headers=self._headers(body is not None))
            except requests.exceptions.SSLError as e:
                # A TLS misconfiguration does not heal on another try.
                attempts.append('%s: TLS error %s' % (url, e))
                continue
            except (requests.exceptions.ConnectionError,
                    requests.exceptions.ConnectTimeout) as e:
                attempts.append('%s: cannot connect (%s)' % (url, e))
                continue
            except requests.exceptions.ReadTimeout:
                attempts.append('%s: no answer in %ss' % (url,
                                                          self._timeout[1]))
                if method in _IDEMPOTENT:
                    continue
                # The gateway may have applied it: do not send it twice.
                raise GatewayUnavailable(attempts)
            if resp.status_code == 503:
                attempts.append('%s: 503 %s' % (url, _text(resp)))
                continue
            self._current = idx
            if resp.status_code == 401 and _retry_auth and \
                    self._tokens.invalidate():
                return self._call(method, path, body, _retry_auth=False)
            return _decode(method, url, resp)
        LOG.error('ShardGate: no gateway answered %s %s: %s', method, path,
                  '; '.join(attempts))
        raise GatewayUnavailable(attempts)

    def _headers(self, has_body):
        h = {'Accept': 'application/json',
             'Authorization': 'Bearer ' + self._tokens.token()}
        if has_body:
            h['Content-Type'] = 'application/json'
        return h


def _q(segment):
    return parse.quote(segment, safe='')


def _text(resp):
    return resp.text[:200].strip()


def _decode(method, url, resp):
    if resp.status_code == 204:
        return None
    try:
        body = resp.json() if resp.content else {}
    except ValueError:
        body = {'error': 'http_%d' % resp.status_code,
                'message': 'not JSON: %s' % _text(resp)}
    if 200 <= resp.status_code < 300:
        return body
    if not isinstance(body, dict):
        body = {}
    err = _error_for(resp.status_code, body)
    LOG.debug('ShardGate %s %s → %s', method, url, err)
    raise err


class TokenSource(object):
    """Gives the bearer token; ``invalidate()`` after a 401.

    Three kinds, by configuration: a static token, a token file (re-read after
    a 401), or a Keystone token (re-issued after a 401).
    """

    def __init__(self, token=None, token_file=None, keystone=None):
        if not (token or token_file or keystone):
            raise ValueError('set shardgate_token, shardgate_token_file or '
                             'the shardgate_keystone_* options')
        self._static = token
        self._file = token_file
        self._keystone = keystone
        self._cached = None

    def token(self):
        if self._static:
            return self._static
        if self._cached is None:
            self._cached = self._load()
        return self._cached

    def invalidate(self):
        """Forget the cached token; False when retrying cannot help."""
        if self._static:
            return False
        self._cached = None
        if self._keystone is not None:
            self._keystone.invalidate()
        return True

    def _load(self):
        if self._file:
            try:
                with open(self._file) as f:
                    t = f.read().strip()
            except OSError as e:
                raise CredentialsError('cannot read the gateway token file '
                                       '%s: %s' % (self._file, e))
            if not t:
                raise CredentialsError('the gateway token file %s is empty'
                                       % self._file)
            return t
        return self._keystone.get_token()


def keystone_session(auth_url, username, password, project_name,
                     user_domain_name, project_domain_name, verify=True):
    """A keystoneauth1 session (Keystone v3 password) for :class:`TokenSource`.

    keystoneauth caches the token and renews it before it expires.
    """
    from keystoneauth1.identity import v3
    from keystoneauth1 import session as ks_session

    auth = v3.Password(auth_url=auth_url, username=username,
                       password=password, project_name=project_name,
                       user_domain_name=user_domain_name,
                       project_domain_name=project_domain_name)
    return _KeystoneTokens(ks_session.Session(auth=auth, verify=verify))


class _KeystoneTokens(object):
    def __init__(self, session):
        self._session = session

    def get_token(self):
        from keystoneauth1 import exceptions as ks_exceptions
        try:
            return self._session.get_token()
        except ks_exceptions.ClientException as e:
            raise CredentialsError('no Keystone token: %s' % e)

    def invalidate(self):
        self._session.invalidate()
