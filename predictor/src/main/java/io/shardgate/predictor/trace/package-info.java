/** Streaming readers for block I/O trace formats, with detection by content and name. */
package io.shardgate.predictor.trace;
