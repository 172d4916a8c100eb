/** Volume lifecycle: the management operations the REST API and CLI call. */
package io.shardgate.gateway.volume;
