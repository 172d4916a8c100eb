/** The command-line tool: {@code plan}, {@code serve}, {@code volume}, {@code predict}. */
package io.shardgate.gateway.cli;
