/** The placement simulator: a generated cloud and request stream, planners compared on the same load. */
package io.shardgate.core.sim;
