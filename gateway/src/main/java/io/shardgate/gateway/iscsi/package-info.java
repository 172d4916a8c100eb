/**
 * The iSCSI front end (RFC 7143, SPC-4/SBC-3 subset): a Vert.x TCP target serving every volume of a
 * {@link io.shardgate.gateway.io.VolumeResolver} as one target ({@code iqn.2026-11.io.shardgate:<volume>}, LUN 0).
 *
 * <p>Entry points: {@link io.shardgate.gateway.iscsi.IscsiServer}, {@link io.shardgate.gateway.iscsi.IscsiServerOptions}
 * and the CHAP seam {@link io.shardgate.gateway.iscsi.IscsiAuth}. The rest is package-private machinery, one
 * {@code IscsiConnection} per socket on that socket's event loop: {@code PduDecoder} frames PDUs (digests, padding,
 * limits), {@code LoginHandler} runs the login phase (CHAP, operational negotiation), {@code ScsiTarget} executes CDBs
 * against the volume, {@code PduWriter} encodes replies into direct buffers.
 */
package io.shardgate.gateway.iscsi;
