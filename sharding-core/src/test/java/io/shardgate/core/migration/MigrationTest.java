package io.shardgate.core.migration;

import io.shardgate.core.reshard.ReshardProposal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;

import static io.shardgate.core.migration.MigrationState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationTest {
    private static final ReshardProposal MOVE = new ReshardProposal.Move("v", 3, 0, "b", "test");

    @Test
    void theHappyPathRecordsEveryStepAndThePause() {
        Migration m = Migration.plan("m1", MOVE, 0).advance(WARMING, 10).advance(FENCED, 20).advance(DRAINING, 25)
                .advance(SWITCHED, 32).advance(CLEANED_UP, 40);
        assertEquals(CLEANED_UP, m.state());
        assertEquals(6, m.history().size());
        assertEquals(12, m.pauseMs(), "fenced at 20, switched at 32");
    }

    @Test
    void thereIsNoWayBackAfterTheSwitch() {
        Migration switched = Migration.plan("m", MOVE, 0).advance(WARMING, 1).advance(FENCED, 2).advance(DRAINING, 3)
                .advance(SWITCHED, 4);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> switched.advance(ABORTED, 5));
        assertTrue(e.getMessage().contains("SWITCHED to ABORTED"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(MigrationState.class)
    void everyTransitionOutsideTheTableIsRefused(MigrationState target) {
        for (MigrationState from : MigrationState.values()) {
            Migration m = reach(from);
            if (target.legalPredecessors().contains(from)) {
                assertEquals(target, m.advance(target, 99).state());
            } else {
                assertThrows(IllegalTransitionException.class, () -> m.advance(target, 99), from + " -> " + target);
            }
        }
    }

    @Test
    void terminalStatesHaveNoSuccessor() {
        for (MigrationState terminal : EnumSet.of(CLEANED_UP, ABORTED)) {
            assertTrue(terminal.isTerminal());
            for (MigrationState s : MigrationState.values()) {
                assertTrue(!s.legalPredecessors().contains(terminal), s + " must not follow " + terminal);
            }
        }
    }

    private static Migration reach(MigrationState state) {
        Migration m = Migration.plan("m", MOVE, 0);
        MigrationState[] path = state == ABORTED ? new MigrationState[] {ABORTED}
                : new MigrationState[] {WARMING, FENCED, DRAINING, SWITCHED, CLEANED_UP};
        for (MigrationState s : path) {
            if (m.state() == state) {
                break;
            }
            m = m.advance(s, 1);
        }
        assertEquals(state, m.state());
        return m;
    }
}
