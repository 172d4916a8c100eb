/** The migration state machine: plan, warm, fence, drain, switch, clean up (or abort before the switch). */
package io.shardgate.core.migration;
