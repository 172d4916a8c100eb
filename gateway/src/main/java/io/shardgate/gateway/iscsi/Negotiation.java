package io.shardgate.gateway.iscsi;

import java.util.Map;

/**
 * Answers the operational keys of a login (RFC 7143 section 13) into a {@link SessionParameters}: list keys pick the
 * first value we support, numeric keys take the minimum (or maximum) of both offers, boolean keys apply AND/OR as the
 * RFC defines them. Unknown keys are answered {@code NotUnderstood}, out-of-range values {@code Reject}.
 * Declarative keys of the login itself (names, session type, CHAP) are left to {@link LoginHandler}.
 */
final class Negotiation {
    private final SessionParameters p;
    private final int maxBurstOffer;
    private final int firstBurstOffer;
    private boolean declared;

    Negotiation(SessionParameters p, int maxBurstOffer, int firstBurstOffer) {
        this.p = p;
        this.maxBurstOffer = maxBurstOffer;
        this.firstBurstOffer = firstBurstOffer;
    }

    /** Keys handled elsewhere (login names, security) or only declared by the initiator. */
    private static boolean notOperational(String key) {
        return switch (key) {
            case "InitiatorName", "InitiatorAlias", "TargetName", "SessionType", "AuthMethod", "TargetAlias" -> true;
            default -> key.startsWith("CHAP_");
        };
    }

    /** Answers every operational key of {@code request} into {@code reply}. */
    void negotiate(TextParameters request, TextParameters reply) {
        for (Map.Entry<String, String> e : request.asMap().entrySet()) {
            String key = e.getKey();
            if (notOperational(key)) {
                continue;
            }
            String answer = answer(key, e.getValue());
            if (answer != null) {
                reply.put(key, answer);
            }
        }
        // FirstBurstLength must not exceed MaxBurstLength, whichever order the two keys came in (RFC 7143 13.14).
        if (p.firstBurstLength > p.maxBurstLength) {
            p.firstBurstLength = p.maxBurstLength;
        }
    }

    /** Our own declarations, sent once (in the first operational reply or the final one). */
    void declare(TextParameters reply) {
        if (!declared) {
            declared = true;
            reply.put("MaxRecvDataSegmentLength", Integer.toString(p.targetMaxRecvDataSegment));
        }
    }

    private String answer(String key, String value) {
        switch (key) {
            case "HeaderDigest", "DataDigest" -> {
                String choice = pickDigest(value);
                if (choice != null) {
                    boolean crc = choice.equals("CRC32C");
                    if (key.equals("HeaderDigest")) {
                        p.headerDigest = crc;
                    } else {
                        p.dataDigest = crc;
                    }
                }
                return choice == null ? "Reject" : choice;
            }
            case "MaxRecvDataSegmentLength" -> {
                int v = number(value, 512, (1 << 24) - 1);
                if (v < 0) {
                    return "Reject";
                }
                p.initiatorMaxRecvDataSegment = v;
                return null; // declarative
            }
            case "MaxBurstLength" -> {
                int v = number(value, 512, (1 << 24) - 1);
                if (v < 0) {
                    return "Reject";
                }
                p.maxBurstLength = Math.min(v, maxBurstOffer);
                return Integer.toString(p.maxBurstLength);
            }
            case "FirstBurstLength" -> {
                int v = number(value, 512, (1 << 24) - 1);
                if (v < 0) {
                    return "Reject";
                }
                p.firstBurstLength = Math.min(v, firstBurstOffer);
                return Integer.toString(p.firstBurstLength);
            }
            case "InitialR2T" -> {
                Boolean v = yesNo(value);
                if (v == null) {
                    return "Reject";
                }
                p.initialR2T = v; // OR with our "No"
                return v ? "Yes" : "No";
            }
            case "ImmediateData" -> {
                Boolean v = yesNo(value);
                if (v == null) {
                    return "Reject";
                }
                p.immediateData = v; // AND with our "Yes"
                return v ? "Yes" : "No";
            }
            case "MaxOutstandingR2T" -> {
                int v = number(value, 1, 65535);
                return v < 0 ? "Reject" : "1";
            }
            case "DataPDUInOrder", "DataSequenceInOrder" -> {
                return yesNo(value) == null ? "Reject" : "Yes"; // OR with our "Yes"
            }
            case "ErrorRecoveryLevel" -> {
                return number(value, 0, 2) < 0 ? "Reject" : "0";
            }
            case "MaxConnections" -> {
                return number(value, 1, 65535) < 0 ? "Reject" : "1";
            }
            case "DefaultTime2Wait" -> {
                int v = number(value, 0, 3600);
                return v < 0 ? "Reject" : Integer.toString(Math.max(v, 2));
            }
            case "DefaultTime2Retain" -> {
                return number(value, 0, 3600) < 0 ? "Reject" : "0";
            }
            case "IFMarker", "OFMarker" -> {
                return yesNo(value) == null ? "Reject" : "No";
            }
            case "IFMarkInt", "OFMarkInt" -> {
                return "Irrelevant";
            }
            case "iSCSIProtocolLevel" -> {
                int v = number(value, 0, 31);
                return v < 0 ? "Reject" : Integer.toString(Math.min(v, 1));
            }
            case "TaskReporting" -> {
                return "RFC3720";
            }
            default -> {
                return "NotUnderstood";
            }
        }
    }

    private static String pickDigest(String list) {
        for (String v : list.split(",")) {
            if (v.equals("CRC32C") || v.equals("None")) {
                return v;
            }
        }
        return null;
    }

    private static Boolean yesNo(String v) {
        return v.equals("Yes") ? Boolean.TRUE : v.equals("No") ? Boolean.FALSE : null;
    }

    /** The decimal (or 0x hex) value if within [min, max], else -1. */
    private static int number(String v, int min, int max) {
        try {
            long n = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            return n < min || n > max ? -1 : (int) n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
