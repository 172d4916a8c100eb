/** {@code gateway.jar openstack ...}: the picocli commands of the OpenStack tooling (added to the gateway's CLI). */
package io.shardgate.openstack.cli;
