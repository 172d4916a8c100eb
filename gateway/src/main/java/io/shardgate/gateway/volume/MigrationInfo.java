package io.shardgate.gateway.volume;

/**
 * One re-sharding step of a volume, as the migration history shows it.
 *
 * @param id           unique id ({@code <volume>-<toVersion>})
 * @param kind         split, move or merge
 * @param shard        the shard index in the map at {@code fromVersion}
 * @param from         the shard's owner before
 * @param to           the owner of the moved or split-off part ({@code from} for a merge)
 * @param reason       why: the operator's request or the re-shard planner's reason
 * @param state        the last state reached (see {@code MigrationState}): CLEANED_UP when done
 * @param startedAtMs  when the new map was published, epoch ms
 * @param switchedAtMs when every server involved had applied it (drained, fenced), epoch ms
 * @param pauseMs      the longest a client request could have waited: publication to the last acknowledgement
 */
public record MigrationInfo(String id, String volume, String kind, int shard, String from, String to,
                            long fromVersion, long toVersion, String reason, String state, long startedAtMs,
                            long switchedAtMs, long pauseMs) {
}
