package io.shardgate.openstack.tiers;

/**
 * A tiers file that cannot be applied: says which tier and which key (either may be null for file-level problems),
 * so the user knows what to fix. Nothing has been applied when it is thrown.
 */
public final class TiersFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String tier;
    private final String key;

    TiersFileException(String source, String tier, String key, String problem) {
        super(source + ": " + (tier == null ? "" : "tier '" + tier + "', ") + (key == null ? "" : "key '" + key + "': ")
                + problem);
        this.tier = tier;
        this.key = key;
    }

    /** The tier at fault, or null. */
    public String tier() {
        return tier;
    }

    /** The key at fault, or null. */
    public String key() {
        return key;
    }
}
