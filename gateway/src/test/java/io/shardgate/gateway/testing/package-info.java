/** Test support shared by the gateway's suites and, through the test-jar, the cross-module suites. */
package io.shardgate.gateway.testing;
