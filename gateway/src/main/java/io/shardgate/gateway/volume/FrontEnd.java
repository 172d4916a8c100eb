package io.shardgate.gateway.volume;

/**
 * Where one server's block front ends listen, for connection details given to hypervisors.
 *
 * @param iscsiPort the iSCSI port, or -1 when the server runs no iSCSI front end
 */
public record FrontEnd(String serverId, String host, int nbdPort, int iscsiPort) {
}
