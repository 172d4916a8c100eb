package io.shardgate.gateway.volume;

/**
 * An operator's re-sharding request.
 *
 * @param action   {@code split}, {@code move}, {@code merge}, or {@code auto} (run the re-shard planner on the
 *                 volume now, with the latest load reports)
 * @param shard    the shard index (split, move, merge: merged with its right neighbour)
 * @param atOffset split point in bytes; {@code -1} for the shard's load median (chunk midpoint without load)
 * @param to       the server receiving the moved shard or the split-off upper part; {@code null} lets the gateway
 *                 choose the least-loaded other server of the spine
 */
public record ReshardRequest(String action, int shard, long atOffset, String to) {
    public ReshardRequest {
        if (action == null || !java.util.Set.of("split", "move", "merge", "auto").contains(action)) {
            throw new IllegalArgumentException("action must be split, move, merge or auto, was " + action);
        }
        if (!action.equals("auto") && shard < 0) {
            throw new IllegalArgumentException("shard must be >= 0, was " + shard);
        }
    }
}
