package io.shardgate.gateway.volume;

import io.shardgate.core.spec.PerformanceSpec;

/**
 * A request to create a volume.
 *
 * @param name        volume name: 1-128 characters of {@code [A-Za-z0-9._-]}, not starting with '.' or '-'
 * @param spec        the performance spec, with its fallbacks
 * @param clientSpine the client's spine when known, else {@code null}
 * @param source      the data it starts with, or {@code null} for an empty volume
 */
public record CreateVolumeRequest(String name, PerformanceSpec spec, String clientSpine, Source source) {

    /**
     * Where a new volume's data comes from, without copying it up front (its chunks are read through until
     * overwritten).
     *
     * @param volume   the source volume
     * @param snapshot one of its snapshots, or {@code null} for the volume's current data (a clone)
     */
    public record Source(String volume, String snapshot) {
        public Source {
            if (volume == null || volume.isBlank()) {
                throw new IllegalArgumentException("source.volume is required");
            }
        }
    }

    public CreateVolumeRequest(String name, PerformanceSpec spec, String clientSpine) {
        this(name, spec, clientSpine, null);
    }

    /** Volume and snapshot names. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public CreateVolumeRequest {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-128 characters of [A-Za-z0-9._-] and not start with"
                    + " '.' or '-', was " + (name == null ? "missing" : "'" + name + "'"));
        }
        java.util.Objects.requireNonNull(spec, "spec");
    }
}
