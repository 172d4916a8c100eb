/**
 * The Java OpenStack tooling of ShardGate, on top of OpenStack4j: {@code tiers} (performance tiers as Cinder volume
 * types), {@code client} (the Keystone session, and the Cinder REST calls OpenStack4j lacks, on its token and
 * catalog) and {@code cli} ({@code gateway.jar openstack ...}). It talks to Keystone and Cinder only, never to the
 * gateway.
 */
package io.shardgate.openstack;
