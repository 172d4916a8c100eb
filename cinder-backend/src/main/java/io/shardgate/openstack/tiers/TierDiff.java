package io.shardgate.openstack.tiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What must change in Cinder so that it holds a {@link Tier}: pure, no I/O. Extra specs outside the {@code sharding:}
 * scope other than {@code volume_backend_name} belong to someone else and are left alone; the QoS spec
 * {@code <tier>-qos} belongs to the tier, so its keys not derived from the tier are removed.
 */
public final class TierDiff {
    /** The QoS consumer the gateway reads (front-end QoS is for the hypervisor). */
    public static final String CONSUMER = "back-end";

    private TierDiff() {
    }

    /**
     * What Cinder has for one tier.
     *
     * @param extraSpecs     the volume type's extra specs, or null when no type of that name exists
     * @param qosSpecs       the keys of the QoS spec {@code <tier>-qos}, or null when it does not exist
     * @param qosConsumer    that QoS spec's consumer (null when it does not exist)
     * @param associatedQos  the name of the QoS spec associated with the type, or null
     */
    public record Current(Map<String, String> extraSpecs, Map<String, String> qosSpecs, String qosConsumer,
                          String associatedQos) {
        /** Nothing of the tier exists yet. */
        public static final Current NONE = new Current(null, null, null, null);
    }

    /** What one change is about. */
    public enum Kind {
        /** the volume type was created */
        TYPE,
        /** one extra spec of the type: added ({@code from} null), changed, or removed ({@code to} null) */
        EXTRA_SPEC,
        /** the QoS spec was created */
        QOS,
        /** one key of the QoS spec (including {@code consumer}), as for extra specs */
        QOS_SPEC,
        /** the type's QoS association: {@code from} the spec associated before (or null), {@code to} ours */
        QOS_ASSOCIATION
    }

    /** One change; {@code key} is null for {@link Kind#TYPE}, {@link Kind#QOS} and associations. */
    public record Change(Kind kind, String key, String from, String to) {
    }

    /** The outcome for one tier. */
    public enum Status { CREATED, UPDATED, UNCHANGED }

    /** A tier's changes, in the order they are applied. */
    public record TierChanges(Tier tier, Status status, List<Change> changes) {
        public TierChanges {
            changes = List.copyOf(changes);
        }
    }

    /** The changes that make {@code current} hold {@code tier}; empty when it already does. */
    public static TierChanges diff(Tier tier, Current current) {
        List<Change> out = new ArrayList<>();
        boolean created = current.extraSpecs() == null;
        if (created) {
            out.add(new Change(Kind.TYPE, null, null, tier.name()));
        }
        Map<String, String> have = created ? Map.of() : current.extraSpecs();
        keys(Kind.EXTRA_SPEC, tier.extraSpecs(), have, k -> k.startsWith(Tier.SCOPE), out);

        if (current.qosSpecs() == null) {
            out.add(new Change(Kind.QOS, null, null, tier.qosName()));
        }
        Map<String, String> wantQos = new LinkedHashMap<>();
        wantQos.put("consumer", CONSUMER);
        wantQos.putAll(tier.qosSpecs());
        Map<String, String> haveQos = new LinkedHashMap<>();
        if (current.qosSpecs() != null) {
            haveQos.put("consumer", current.qosConsumer());
            haveQos.putAll(current.qosSpecs());
        } else {
            haveQos.put("consumer", CONSUMER); // a new spec is created with the right consumer
        }
        keys(Kind.QOS_SPEC, wantQos, haveQos, k -> !k.equals("consumer"), out);

        if (!tier.qosName().equals(current.associatedQos())) {
            out.add(new Change(Kind.QOS_ASSOCIATION, null, current.associatedQos(), tier.qosName()));
        }
        Status status = created ? Status.CREATED : out.isEmpty() ? Status.UNCHANGED : Status.UPDATED;
        return new TierChanges(tier, status, out);
    }

    /** Keys to add or change, then keys {@code owned} by us that are no longer wanted. */
    private static void keys(Kind kind, Map<String, String> want, Map<String, String> have,
                             Predicate<String> owned, List<Change> out) {
        want.forEach((k, v) -> {
            if (!Objects.equals(have.get(k), v)) {
                out.add(new Change(kind, k, have.get(k), v));
            }
        });
        have.keySet().stream().filter(k -> owned.test(k) && !want.containsKey(k)).sorted()
                .forEach(k -> out.add(new Change(kind, k, have.get(k), null)));
    }
}
