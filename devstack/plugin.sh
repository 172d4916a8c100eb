#!/usr/bin/env bash
# shellcheck shell=bash
# devstack/plugin.sh: ShardGate's devstack plugin. A thin caller of lib/shardgate, whose functions
# tests/scripts/openstack.sh runs in CI; what is devstack-specific (its process helpers, packages, Keystone
# helpers) stays here. Phases: stack pre-install | install | post-config | extra | test-config; unstack; clean.

SHARDGATE_PLUGIN_DIR=${SHARDGATE_PLUGIN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# shellcheck source=devstack/lib/shardgate
source "$SHARDGATE_PLUGIN_DIR/lib/shardgate"

# the gateway servers run as devstack services shardgate-gw-N (enabled in settings), under systemd through
# devstack's run_process/stop_process: lib/shardgate's default process hooks

function shardgate_devstack_keystone {
    SHARDGATE_KEYSTONE_URL=${SHARDGATE_KEYSTONE_URL:-$KEYSTONE_SERVICE_URI/v3}
    SHARDGATE_KEYSTONE_PASSWORD=${SHARDGATE_KEYSTONE_PASSWORD:-$SERVICE_PASSWORD}
}

# the gateway's service user: validates tokens against Keystone, and Cinder's driver logs in as it
function shardgate_create_accounts {
    local user role
    user=$(get_or_create_user "$SHARDGATE_KEYSTONE_USER" "$SHARDGATE_KEYSTONE_PASSWORD" default)
    role=$(get_or_create_role "$SHARDGATE_KEYSTONE_ROLE")
    get_or_add_user_project_role "$role" "$user" "$SHARDGATE_KEYSTONE_PROJECT" >/dev/null
}

function shardgate_apply_tiers_as_admin {
    (
        export OS_AUTH_URL=$KEYSTONE_SERVICE_URI/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PASSWORD
        export OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
        export OS_REGION_NAME=$REGION_NAME
        unset OS_CLOUD
        shardgate_apply_tiers "$SHARDGATE_TIERS_FILE"
    )
}

if is_service_enabled shardgate; then
    shardgate_devstack_keystone
    case "$1/$2" in
        stack/pre-install)
            echo_summary "ShardGate: installing Java and the gateway's packages"
            shardgate_install_packages || die $LINENO "ShardGate: package install failed"
            ;;
        stack/install)
            echo_summary "ShardGate: installing the gateway and the Cinder driver"
            shardgate_install_gateway || die $LINENO "ShardGate: no gateway jar"
            # the driver next to Cinder (devstack's pip helpers, in Cinder's environment)
            setup_develop "$SHARDGATE_DRIVER_DIR"
            ;;
        stack/post-config)
            echo_summary "ShardGate: configuring and starting the gateway"
            shardgate_create_accounts
            shardgate_write_gateway_config || die $LINENO "ShardGate: bad gateway settings"
            shardgate_start_gateways || die $LINENO "ShardGate: cannot start the gateway"
            shardgate_wait_for_gateways 180 || die $LINENO "ShardGate: the gateway did not come up"
            ;;
        stack/extra)
            if is_service_enabled c-api && [[ "$SHARDGATE_APPLY_TIERS" == True ]]; then
                echo_summary "ShardGate: applying the performance tiers of $SHARDGATE_TIERS_FILE"
                shardgate_apply_tiers_as_admin || die $LINENO "ShardGate: applying the tiers failed"
            fi
            ;;
        stack/test-config)
            if is_service_enabled tempest; then
                # tempest's volume tests create volumes of the default type on our backend
                iniset "$TEMPEST_CONFIG" volume backend_names "$SHARDGATE_BACKEND_NAME"
                iniset "$TEMPEST_CONFIG" volume-feature-enabled extend_attached_volume True
            fi
            ;;
        unstack/*)
            shardgate_stop_gateways
            ;;
        clean/*)
            rm -rf "$SHARDGATE_DATA_DIR" "$SHARDGATE_CONF_DIR"
            ;;
    esac
fi
