package io.shardgate.gateway.rest;

/** A request body or parameter at fault, naming the field. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    BadRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
