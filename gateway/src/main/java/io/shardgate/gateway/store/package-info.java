/** Durable stores behind one small SPI: in memory, a local directory, Ceph RADOS. */
package io.shardgate.gateway.store;
