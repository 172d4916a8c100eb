/** The command-line tool: {@code plan}, {@code serve}, {@code volume}, {@code predict}, {@code openstack}. */
package io.shardgate.gateway.cli;
