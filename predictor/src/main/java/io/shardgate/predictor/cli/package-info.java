/** {@code gateway.jar predict} subcommands. */
package io.shardgate.predictor.cli;
