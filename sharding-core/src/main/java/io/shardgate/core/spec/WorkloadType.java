package io.shardgate.core.spec;

import java.util.Locale;

/** The kind of workload a volume serves; selects the prefetch model and planning weights. */
public enum WorkloadType {
    DATABASE, VDI, VIDEO, SCIENTIFIC, GENERAL;

    /** Parses a case-insensitive name ({@code database}, {@code vdi}, ...). */
    public static WorkloadType parse(String name) {
        if (name == null || name.isBlank()) {
            return GENERAL;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload type '" + name
                    + "'; expected one of database, vdi, video, scientific, general");
        }
    }

    /** The lower-case name used in APIs and files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
