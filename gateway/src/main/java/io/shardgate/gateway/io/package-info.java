/** What the front ends see: a volume as an asynchronous block device, and how to find one by name. */
package io.shardgate.gateway.io;
