package io.shardgate.openstack.client;

/** An OpenStack service answered with an error status, or could not be reached (status 0). */
public final class OpenStackException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public OpenStackException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
