"""The driver's ``cinder.conf`` options (registered with oslo.config).

Every option can be set in a backend section (``[shardgate]`` with
``enabled_backends = shardgate``) or in ``[backend_defaults]``.
"""

from oslo_config import cfg

shardgate_opts = [
    cfg.ListOpt('shardgate_gateway_urls',
                default=['http://127.0.0.1:8080'],
                help='Base URLs of gateway servers (scheme://host:port), '
                     'tried in order: on a connection failure, a timeout '
                     'or HTTP 503 the driver fails over to the next one.'),
    cfg.StrOpt('shardgate_token', secret=True,
               help='Bearer token for the gateway (the embedded gateway '
                    'writes it to DATA_DIR/admin.token). Takes precedence '
                    'over shardgate_token_file and Keystone.'),
    cfg.StrOpt('shardgate_token_file',
               help='File holding the bearer token (read at setup and again '
                    'after a 401, so the token can be rotated).'),
    cfg.StrOpt('shardgate_keystone_auth_url',
               help='Keystone v3 URL: when set (and no static token is '
                    'given), the driver sends a Keystone token that the '
                    'gateway validates against Keystone.'),
    cfg.StrOpt('shardgate_keystone_username', help='Keystone user name.'),
    cfg.StrOpt('shardgate_keystone_password', secret=True,
               help='Keystone password.'),
    cfg.StrOpt('shardgate_keystone_project_name',
               help='Keystone project to scope the token to.'),
    cfg.StrOpt('shardgate_keystone_user_domain_name', default='Default',
               help='Keystone domain of the user.'),
    cfg.StrOpt('shardgate_keystone_project_domain_name', default='Default',
               help='Keystone domain of the project.'),
    cfg.StrOpt('shardgate_protocol', default='nbd', choices=['nbd', 'iscsi'],
               help='How hypervisors reach the volumes: nbd (QEMU network '
                    'disks) or iscsi (os-brick\'s iSCSI connector, stock '
                    'Nova; per-volume CHAP, every gateway a portal).'),
    cfg.ListOpt('shardgate_nbd_endpoints', default=[],
                help='host:port of the gateways\' NBD front ends, handed to '
                     'hypervisors in this order. Empty: the hosts of '
                     'shardgate_gateway_urls with shardgate_nbd_port.'),
    cfg.PortOpt('shardgate_nbd_port', default=10809,
                help='NBD port used when shardgate_nbd_endpoints is empty.'),
    cfg.FloatOpt('shardgate_connect_timeout', default=5.0, min=0.1,
                 help='Seconds to wait for a TCP connection to a gateway.'),
    cfg.FloatOpt('shardgate_read_timeout', default=60.0, min=0.1,
                 help='Seconds to wait for a gateway\'s answer.'),
    cfg.BoolOpt('shardgate_ssl_verify', default=True,
                help='Verify the gateway\'s TLS certificate (https URLs).'),
    cfg.StrOpt('shardgate_ssl_ca_file',
               help='CA bundle to verify the gateway\'s certificate with '
                    '(default: the system store).'),
    cfg.StrOpt('shardgate_ssl_cert_file',
               help='Client certificate (PEM) for mutual TLS.'),
    cfg.StrOpt('shardgate_ssl_key_file',
               help='Private key (PEM) of shardgate_ssl_cert_file.'),
    cfg.IntOpt('shardgate_image_convert_timeout', default=3600, min=1,
               help='Seconds allowed for one qemu-img convert between an '
                    'image and a volume\'s NBD export.'),
]

CONF = cfg.CONF


def list_opts():
    """For oslo-config-generator: the driver's options."""
    return [('backend_defaults', shardgate_opts)]
