/** Server assembly: the embedded single-node gateway and its options. */
package io.shardgate.gateway.server;
