/** The versioned shard map: which server owns which byte range of a volume, with allocation-free lookup. */
package io.shardgate.core.map;
