package io.shardgate.openstack.tiers;

import io.shardgate.openstack.client.CinderRest;
import io.shardgate.openstack.tiers.TierDiff.Change;
import io.shardgate.openstack.tiers.TierDiff.Kind;
import io.shardgate.openstack.tiers.TierDiff.TierChanges;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes Cinder hold the tiers of a {@link TiersFile}, idempotently: one volume type per tier with its extra specs,
 * and its back-end QoS spec {@code <tier>-qos} associated with it. Reads what Cinder has, computes the
 * {@link TierDiff}, and (unless a dry run) carries it out tier by tier. Needs an admin session. Not thread-safe.
 */
public final class TiersApplier {
    private final CinderRest cinder;

    public TiersApplier(CinderRest cinder) {
        this.cinder = cinder;
    }

    /**
     * Applies the file (or only computes the changes when {@code dryRun}).
     *
     * @return per tier, in file order, what changed (or would change)
     * @throws io.shardgate.openstack.client.OpenStackException when Cinder refuses a call; the tiers before it are
     *                                                          applied, the rest not
     */
    public List<TierChanges> apply(TiersFile file, boolean dryRun) {
        Map<String, CinderRest.VolumeType> types = cinder.volumeTypes();
        Map<String, CinderRest.QosSpec> qos = cinder.qosSpecs();
        Map<String, String> qosNames = new LinkedHashMap<>();
        qos.values().forEach(q -> qosNames.put(q.id(), q.name()));
        List<TierChanges> out = new ArrayList<>();
        for (Tier tier : file.tiers()) {
            CinderRest.VolumeType type = types.get(tier.name());
            CinderRest.QosSpec spec = qos.get(tier.qosName());
            TierChanges changes = TierDiff.diff(tier, current(type, spec, qosNames));
            if (!dryRun) {
                carryOut(changes, type == null ? null : type.id(), spec == null ? null : spec.id(), qos);
            }
            out.add(changes);
        }
        return out;
    }

    private TierDiff.Current current(CinderRest.VolumeType type, CinderRest.QosSpec spec,
                                     Map<String, String> qosNames) {
        if (type == null) {
            return new TierDiff.Current(null, spec == null ? null : spec.specs(),
                    spec == null ? null : spec.consumer(), null);
        }
        String associated = type.qosSpecsId() == null ? null : qosNames.get(type.qosSpecsId());
        if (type.qosSpecsId() == null && spec != null && cinder.associations(spec.id()).contains(type.id())) {
            associated = spec.name(); // qos_specs_id hidden by policy: ask the spec instead
        }
        return new TierDiff.Current(type.extraSpecs(), spec == null ? null : spec.specs(),
                spec == null ? null : spec.consumer(), associated);
    }

    private void carryOut(TierChanges changes, String typeId, String qosId, Map<String, CinderRest.QosSpec> qos) {
        Tier tier = changes.tier();
        Map<String, String> setSpecs = new LinkedHashMap<>();
        Map<String, String> setQos = new LinkedHashMap<>();
        List<String> unsetQos = new ArrayList<>();
        for (Change c : changes.changes()) {
            switch (c.kind()) {
                case TYPE -> typeId = cinder.createVolumeType(tier.name(), tier.extraSpecs());
                case EXTRA_SPEC -> {
                    if (hasCreated(changes, Kind.TYPE)) {
                        continue; // created with its specs
                    }
                    if (c.to() == null) {
                        cinder.unsetExtraSpec(typeId, c.key());
                    } else {
                        setSpecs.put(c.key(), c.to());
                    }
                }
                case QOS -> qosId = cinder.createQos(tier.qosName(), TierDiff.CONSUMER, tier.qosSpecs()).id();
                case QOS_SPEC -> {
                    if (hasCreated(changes, Kind.QOS)) {
                        continue;
                    }
                    if (c.to() == null) {
                        unsetQos.add(c.key());
                    } else {
                        setQos.put(c.key(), c.to());
                    }
                }
                case QOS_ASSOCIATION -> {
                    // applied last, below, once the type and the spec exist
                }
            }
        }
        if (!setSpecs.isEmpty()) {
            cinder.setExtraSpecs(typeId, setSpecs);
        }
        if (!setQos.isEmpty()) {
            cinder.setQosKeys(qosId, setQos);
        }
        if (!unsetQos.isEmpty()) {
            cinder.unsetQosKeys(qosId, unsetQos);
        }
        for (Change c : changes.changes()) {
            if (c.kind() == Kind.QOS_ASSOCIATION) {
                if (c.from() != null && qos.containsKey(c.from())) {
                    cinder.disassociate(qos.get(c.from()).id(), typeId); // a type has one QoS spec at most
                }
                cinder.associate(qosId, typeId);
            }
        }
    }

    private static boolean hasCreated(TierChanges changes, Kind kind) {
        return changes.changes().stream().anyMatch(c -> c.kind() == kind);
    }
}
