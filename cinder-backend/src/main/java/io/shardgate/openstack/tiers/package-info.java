/**
 * Performance tiers: the YAML file ({@link io.shardgate.openstack.tiers.TiersFile}), what a tier should look like in
 * Cinder ({@link io.shardgate.openstack.tiers.Tier}), the pure difference between that and what Cinder has
 * ({@link io.shardgate.openstack.tiers.TierDiff}), and the applier that carries it out
 * ({@link io.shardgate.openstack.tiers.TiersApplier}).
 */
package io.shardgate.openstack.tiers;
