/**
 * OpenStack access: {@link io.shardgate.openstack.client.OpenStackSession} (Keystone v3 through OpenStack4j, every
 * request with {@code Connection: close}) and {@link io.shardgate.openstack.client.CinderRest}, the Cinder v3 calls
 * OpenStack4j lacks (QoS specs, extra spec updates, attachments, user messages) on that session's token and catalog.
 */
package io.shardgate.openstack.client;
