package io.shardgate.core.migration;

/** An attempt to move a migration to a state it cannot reach from its current one. */
public final class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public IllegalTransitionException(String migrationId, MigrationState from, MigrationState to) {
        super("migration " + migrationId + " cannot go from " + from + " to " + to + "; legal predecessors of "
                + to + " are " + to.legalPredecessors());
    }
}
