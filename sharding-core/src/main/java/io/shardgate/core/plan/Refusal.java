package io.shardgate.core.plan;

import java.util.List;

/**
 * A structured refusal: no spine could meet the spec nor any of its fallbacks.
 *
 * @param summary    one line for users ("no spine has 40000 free IOPS: best is spine-3 with 31000 (9000 short)")
 * @param shortfalls per spine and resource, for the best candidate spines
 */
public record Refusal(String summary, List<Shortfall> shortfalls) {
    public Refusal {
        shortfalls = List.copyOf(shortfalls);
    }
}
