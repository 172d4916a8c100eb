package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;

/**
 * librbd's readahead with its defaults ({@code rbd}): {@code rbd_readahead_trigger_requests = 10} sequential
 * requests start it, {@code rbd_readahead_max_bytes = 512 KiB} bound each readahead, and it turns itself off for the
 * image once {@code rbd_readahead_disable_after_bytes = 50 MiB} have been read (it is meant for booting).
 */
public final class RbdReadahead implements PrefetchPolicy {
    static final int TRIGGER_REQUESTS = 10;
    static final long MAX_BYTES = 512 << 10;
    static final long DISABLE_AFTER_BYTES = 50L << 20;

    private static final class Image {
        long nextOffset = -1;
        int sequentialRun;
        long bytesRead;
        long aheadUntil = -1;
    }

    private final PerVolume<Image> images = new PerVolume<>(Image::new);

    @Override
    public String name() {
        return "rbd";
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        Image im = images.of(a.volume());
        if (!a.write()) {
            im.bytesRead += a.length();
        }
        im.sequentialRun = a.offset() == im.nextOffset ? im.sequentialRun + 1 : 0;
        im.nextOffset = a.offset() + a.length();
        if (im.bytesRead > DISABLE_AFTER_BYTES || im.sequentialRun < TRIGGER_REQUESTS) {
            return;
        }
        long from = Math.max(a.lastBlock() + 1, im.aheadUntil + 1);
        long to = a.lastBlock() + (MAX_BYTES >>> 12);
        for (long b = from; b <= to; b++) {
            sink.prefetch(b);
        }
        im.aheadUntil = Math.max(im.aheadUntil, to);
    }
}
