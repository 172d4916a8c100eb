package io.shardgate.core.migration;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one shard migration (split, move or merge). The order is where data is safe:
 * <ol>
 *   <li>{@code PLANNED}: the proposal is accepted; nothing changed yet.</li>
 *   <li>{@code WARMING}: the new owner loads the shard's hot blocks into its tiers; the old owner still serves.</li>
 *   <li>{@code FENCED}: the old owner refuses new requests for the range at the new version ("moved").</li>
 *   <li>{@code DRAINING}: the old owner waits for writes already in flight to become durable.</li>
 *   <li>{@code SWITCHED}: the new map version is published; the new owner serves. No way back from here.</li>
 *   <li>{@code CLEANED_UP}: the old owner dropped its tier blocks for the range. Terminal.</li>
 *   <li>{@code ABORTED}: given up before the switch; the old owner unfences and keeps serving. Terminal.</li>
 * </ol>
 */
public enum MigrationState {
    PLANNED, WARMING, FENCED, DRAINING, SWITCHED, CLEANED_UP, ABORTED;

    /** The states this state may be entered from. */
    public Set<MigrationState> legalPredecessors() {
        return switch (this) {
            case PLANNED -> EnumSet.noneOf(MigrationState.class);
            case WARMING -> EnumSet.of(PLANNED);
            case FENCED -> EnumSet.of(WARMING);
            case DRAINING -> EnumSet.of(FENCED);
            case SWITCHED -> EnumSet.of(DRAINING);
            case CLEANED_UP -> EnumSet.of(SWITCHED);
            case ABORTED -> EnumSet.of(PLANNED, WARMING, FENCED, DRAINING);
        };
    }

    public boolean isTerminal() {
        return this == CLEANED_UP || this == ABORTED;
    }

    /** True while the old owner must refuse requests for the range. */
    public boolean isFenced() {
        return this == FENCED || this == DRAINING;
    }
}
