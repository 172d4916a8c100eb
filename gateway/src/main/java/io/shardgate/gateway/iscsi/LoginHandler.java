package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

import static io.shardgate.gateway.iscsi.IscsiProtocol.*;

/**
 * The login phase of one connection (RFC 7143 sections 6 and 11.12): stage checks, the security stage with
 * {@code AuthMethod=None} or CHAP (one-way or mutual, per-volume credentials from {@link IscsiAuth}), the operational
 * stage ({@link Negotiation}), and the final transition to full-feature phase. Every login request gets one
 * {@link Reply}; a failure status ends the connection after the reply. Event-loop confined.
 */
final class LoginHandler {

    /** What to answer to one login request. */
    static final class Reply {
        int status = LOGIN_OK;
        boolean transit;
        int currentStage;
        int nextStage;
        TextParameters keys = new TextParameters();
        /** The final response: full-feature phase starts after it. */
        boolean complete;

        boolean failed() {
            return status != LOGIN_OK;
        }
    }

    private enum ChapState { NONE, WAIT_ALGORITHM, WAIT_RESPONSE, DONE }

    private final IscsiServerOptions options;
    private final VolumeResolver resolver;
    private final SessionParameters params;
    private final Negotiation negotiation;

    private boolean first = true;
    private int stage;
    private byte[] isid;
    private boolean discovery;
    private String initiatorName;
    private BlockVolume volume;
    private IscsiAuth.Credentials credentials;
    private boolean authenticated;
    private ChapState chap = ChapState.NONE;
    private int chapIdentifier;
    private byte[] chapChallenge;
    /** Text of login requests with the C bit, gathered until the last one. */
    private Buffer partial;

    LoginHandler(IscsiServerOptions options, VolumeResolver resolver) {
        this.options = options;
        this.resolver = resolver;
        this.params = new SessionParameters(options.getMaxRecvDataSegmentLength(), options.getMaxBurstLength(),
                options.getFirstBurstLength());
        this.negotiation = new Negotiation(params, options.getMaxBurstLength(), options.getFirstBurstLength());
    }

    SessionParameters parameters() {
        return params;
    }

    boolean discovery() {
        return discovery;
    }

    BlockVolume volume() {
        return volume;
    }

    String initiatorName() {
        return initiatorName;
    }

    Reply onRequest(Pdu pdu) {
        Reply r = new Reply();
        int flags = pdu.flags();
        boolean transit = (flags & LOGIN_TRANSIT) != 0;
        boolean more = (flags & CONTINUE) != 0;
        int csg = (flags >>> 2) & 3;
        int nsg = flags & 3;
        r.currentStage = csg;
        r.nextStage = nsg;
        if (pdu.byteAt(3) > 0) { // Version-min above the one version there is
            return fail(r, LOGIN_UNSUPPORTED_VERSION);
        }
        byte[] thisIsid = pdu.bhs.getBytes(8, 14);
        if (first) {
            isid = thisIsid;
            stage = csg;
        } else if (!Arrays.equals(isid, thisIsid)) {
            return fail(r, LOGIN_INVALID_REQUEST);
        }
        if (csg != stage || csg == 2 || csg == STAGE_FULL_FEATURE || (transit && more)
                || (transit && (nsg <= csg || nsg == 2))) {
            return fail(r, LOGIN_INVALID_REQUEST);
        }
        if (more) {
            partial = partial == null ? pdu.data.copy() : partial.appendBuffer(pdu.data);
            if (partial.length() > 4 * LOGIN_MAX_DATA) {
                return fail(r, LOGIN_INVALID_REQUEST);
            }
            return r; // an empty reply asks for the rest
        }
        Buffer text = partial == null ? pdu.data : partial.appendBuffer(pdu.data);
        partial = null;
        TextParameters keys;
        try {
            keys = TextParameters.parse(text);
        } catch (IscsiProtocolException e) {
            return fail(r, LOGIN_INITIATOR_ERROR);
        }
        if (first) {
            first = false;
            if (pdu.bhs.getUnsignedShort(14) != 0) {
                return fail(r, LOGIN_SESSION_NOT_FOUND); // adding a connection to a session: MaxConnections=1
            }
            int status = identify(keys, r.keys);
            if (status != LOGIN_OK) {
                return fail(r, status);
            }
        }
        if (csg == STAGE_SECURITY) {
            int status = security(keys, r);
            if (status != LOGIN_OK) {
                return fail(r, status);
            }
            if (chap == ChapState.WAIT_ALGORITHM || chap == ChapState.WAIT_RESPONSE) {
                r.transit = false; // CHAP is not finished: stay in the security stage
                r.nextStage = 0;
                return r;
            }
        } else if (credentials != null && !authenticated) {
            return fail(r, LOGIN_AUTH_FAILED); // skipped the security stage of a protected target
        }
        negotiation.negotiate(keys, r.keys);
        if (transit && (nsg == STAGE_OPERATIONAL || nsg == STAGE_FULL_FEATURE)) {
            negotiation.declare(r.keys);
        }
        r.transit = transit;
        if (transit) {
            stage = nsg;
            r.complete = nsg == STAGE_FULL_FEATURE;
        }
        return r;
    }

    private static Reply fail(Reply r, int status) {
        r.status = status;
        r.transit = false;
        r.keys = new TextParameters();
        return r;
    }

    /** The declarations of the first request: who is calling, and for which target. */
    private int identify(TextParameters keys, TextParameters reply) {
        initiatorName = keys.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) {
            return LOGIN_MISSING_PARAMETER;
        }
        String type = keys.get("SessionType");
        if (type == null || type.equals("Normal")) {
            String target = keys.get("TargetName");
            if (target == null) {
                return LOGIN_MISSING_PARAMETER;
            }
            String prefix = options.getIqnPrefix();
            if (!target.startsWith(prefix) || target.length() == prefix.length()) {
                return LOGIN_NOT_FOUND;
            }
            volume = resolver.open(target.substring(prefix.length()));
            if (volume == null) {
                return LOGIN_NOT_FOUND;
            }
            credentials = options.getAuth().forVolume(volume.name());
            reply.put("TargetPortalGroupTag", "1");
        } else if (type.equals("Discovery")) {
            discovery = true;
            credentials = options.getAuth().forDiscovery();
        } else {
            return LOGIN_INITIATOR_ERROR;
        }
        return LOGIN_OK;
    }

    private int security(TextParameters keys, Reply r) {
        String methods = keys.get("AuthMethod");
        if (chap == ChapState.NONE && !authenticated) {
            if (methods == null) {
                if (credentials != null) {
                    return LOGIN_AUTH_FAILED;
                }
                authenticated = true;
                return LOGIN_OK;
            }
            boolean offersChap = Arrays.asList(methods.split(",")).contains("CHAP");
            boolean offersNone = Arrays.asList(methods.split(",")).contains("None");
            if (credentials != null) {
                if (!offersChap) {
                    return LOGIN_AUTH_FAILED;
                }
                r.keys.put("AuthMethod", "CHAP");
                chap = ChapState.WAIT_ALGORITHM;
                return LOGIN_OK;
            }
            if (!offersNone) {
                return LOGIN_AUTH_FAILED;
            }
            r.keys.put("AuthMethod", "None");
            authenticated = true;
            return LOGIN_OK;
        }
        if (chap == ChapState.WAIT_ALGORITHM) {
            String algorithms = keys.get("CHAP_A");
            if (algorithms == null) {
                return LOGIN_OK; // nothing yet; keep waiting
            }
            if (!Arrays.asList(algorithms.split(",")).contains(Chap.MD5)) {
                return LOGIN_AUTH_FAILED;
            }
            chapIdentifier = Chap.identifier();
            chapChallenge = Chap.challenge();
            r.keys.put("CHAP_A", Chap.MD5).put("CHAP_I", Integer.toString(chapIdentifier))
                    .put("CHAP_C", Chap.encode(chapChallenge));
            chap = ChapState.WAIT_RESPONSE;
            return LOGIN_OK;
        }
        if (chap == ChapState.WAIT_RESPONSE) {
            return chapResponse(keys, r);
        }
        return LOGIN_OK; // authenticated already: more security-stage keys are harmless
    }

    private int chapResponse(TextParameters keys, Reply r) {
        String name = keys.get("CHAP_N");
        byte[] answer = Chap.decode(keys.get("CHAP_R"));
        if (name == null || answer == null || !name.equals(credentials.user())
                || !Chap.matches(Chap.response(chapIdentifier, credentials.secret(), chapChallenge), answer)) {
            return LOGIN_AUTH_FAILED;
        }
        String mutualId = keys.get("CHAP_I");
        String mutualChallenge = keys.get("CHAP_C");
        if (mutualId != null || mutualChallenge != null) {
            byte[] challenge = Chap.decode(mutualChallenge);
            int id;
            try {
                id = Integer.parseInt(mutualId == null ? "" : mutualId);
            } catch (NumberFormatException e) {
                return LOGIN_AUTH_FAILED;
            }
            // Mutual CHAP must be configured, and a challenge equal to ours would be a reflection attack.
            if (!credentials.mutual() || challenge == null || challenge.length == 0 || id < 0 || id > 255
                    || Arrays.equals(challenge, chapChallenge)) {
                return LOGIN_AUTH_FAILED;
            }
            r.keys.put("CHAP_N", credentials.targetUser())
                    .put("CHAP_R", Chap.encode(Chap.response(id, credentials.targetSecret(), challenge)));
        }
        chap = ChapState.DONE;
        authenticated = true;
        return LOGIN_OK;
    }
}
