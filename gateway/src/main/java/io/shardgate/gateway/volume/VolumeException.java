package io.shardgate.gateway.volume;

import io.shardgate.core.plan.Refusal;

/** A management request that cannot be done, with a kind the REST layer maps to a status code. */
public class VolumeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** 404 */ NOT_FOUND,
        /** 409: a volume of that name exists */ ALREADY_EXISTS,
        /** 409: the planner refused the spec; {@link #refusal()} says why */ REFUSED,
        /** 400 */ INVALID,
        /** 409: the volume is busy (migrating) */ CONFLICT,
        /** 409: other volumes or snapshots depend on it */ IN_USE,
        /** 503: the cluster cannot serve the request now */ UNAVAILABLE
    }

    private final Kind kind;
    private final transient Refusal refusal;

    public VolumeException(Kind kind, String message) {
        this(kind, message, null);
    }

    public VolumeException(Kind kind, String message, Refusal refusal) {
        super(message);
        this.kind = kind;
        this.refusal = refusal;
    }

    public Kind kind() {
        return kind;
    }

    /** The planner's reason when {@link #kind()} is {@link Kind#REFUSED}, else {@code null}. */
    public Refusal refusal() {
        return refusal;
    }
}
