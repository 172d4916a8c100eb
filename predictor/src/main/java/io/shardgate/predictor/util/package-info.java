/** Small primitive collections for the replay loops (no boxing). */
package io.shardgate.predictor.util;
