package io.shardgate.core.migration;

import io.shardgate.core.reshard.ReshardProposal;

import java.util.ArrayList;
import java.util.List;

/**
 * One migration and its history, immutable: {@link #advance} returns the next step or throws
 * {@link IllegalTransitionException}.
 *
 * @param id       unique id
 * @param proposal what it changes
 * @param history  every state entered with its time (epoch ms), first {@code PLANNED}
 */
public record Migration(String id, ReshardProposal proposal, List<Step> history) {

    /** A state and when it was entered. */
    public record Step(MigrationState state, long atMs) {
    }

    public Migration {
        history = List.copyOf(history);
        if (history.isEmpty() || history.get(0).state() != MigrationState.PLANNED) {
            throw new IllegalArgumentException("a migration's history starts with PLANNED");
        }
    }

    public static Migration plan(String id, ReshardProposal proposal, long nowMs) {
        return new Migration(id, proposal, List.of(new Step(MigrationState.PLANNED, nowMs)));
    }

    public MigrationState state() {
        return history.get(history.size() - 1).state();
    }

    public Migration advance(MigrationState next, long nowMs) {
        if (!next.legalPredecessors().contains(state())) {
            throw new IllegalTransitionException(id, state(), next);
        }
        List<Step> h = new ArrayList<>(history);
        h.add(new Step(next, nowMs));
        return new Migration(id, proposal, h);
    }

    /** Time from entering {@code FENCED} to leaving {@code DRAINING}: the pause clients may see; -1 if not yet. */
    public long pauseMs() {
        long fenced = -1;
        for (Step s : history) {
            if (s.state() == MigrationState.FENCED) {
                fenced = s.atMs();
            } else if (fenced >= 0 && (s.state() == MigrationState.SWITCHED || s.state() == MigrationState.ABORTED)) {
                return s.atMs() - fenced;
            }
        }
        return -1;
    }
}
