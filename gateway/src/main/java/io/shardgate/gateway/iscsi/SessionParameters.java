package io.shardgate.gateway.iscsi;

/**
 * Operational parameters of one session as negotiated at login (RFC 7143 section 13), starting from the RFC
 * defaults. Mutated only by {@link Negotiation} during login, read-only afterwards; event-loop confined.
 */
final class SessionParameters {
    boolean headerDigest;
    boolean dataDigest;
    /** Largest data segment the target may send (the initiator's declaration); default 8192. */
    int initiatorMaxRecvDataSegment = 8192;
    int maxBurstLength = 262144;
    int firstBurstLength = 65536;
    boolean initialR2T = true;
    boolean immediateData = true;
    int maxOutstandingR2T = 1;
    /** Largest data segment the target accepts (its own declaration). */
    int targetMaxRecvDataSegment;

    SessionParameters(int targetMaxRecvDataSegment, int maxBurstOffer, int firstBurstOffer) {
        this.targetMaxRecvDataSegment = targetMaxRecvDataSegment;
        // The RFC defaults bound the negotiation too: min() against our offers.
        this.maxBurstLength = Math.min(maxBurstLength, maxBurstOffer);
        this.firstBurstLength = Math.min(Math.min(firstBurstLength, firstBurstOffer), this.maxBurstLength);
    }
}
