package com.ffs.validator.image;

/**
 * One request's share of the download capacity: at most {@code validator.fetch.max-per-request} of its images download
 * at once, so a request full of slow hosts holds a bounded part of the global slots. Create one per request with
 * {@link ImageFetcher#group()}.
 */
public final class FetchGroup {

    final AsyncPermits slots;

    FetchGroup(int slots) {
        this.slots = new AsyncPermits(slots);
    }
}
