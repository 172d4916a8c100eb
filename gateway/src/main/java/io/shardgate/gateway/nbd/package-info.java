/**
 * The NBD front end: a Vert.x TCP server speaking the fixed-newstyle NBD protocol (handshake with
 * {@code NBD_OPT_GO}/{@code INFO}/{@code LIST}/{@code STRUCTURED_REPLY}, pipelined transmission with
 * out-of-order replies) over any {@link io.shardgate.gateway.io.BlockVolume} found through a
 * {@link io.shardgate.gateway.io.VolumeResolver}.
 *
 * <p>Entry points: {@link io.shardgate.gateway.nbd.NbdServer}, {@link io.shardgate.gateway.nbd.NbdServerOptions},
 * {@link io.shardgate.gateway.nbd.NbdMetrics}. Everything else is package-private machinery: one
 * {@code NbdConnection} per socket, running on that socket's event loop, with its handshake and
 * transmission phases in separate classes.
 */
package io.shardgate.gateway.nbd;
