package com.ffs.validator.image;

/**
 * An image's bytes, and the share of {@code validator.fetch.body-memory} they hold until they are decoded. Close it
 * once the image is decoded or abandoned; closing twice is harmless.
 */
public final class ImageBody implements AutoCloseable {

    private final byte[] bytes;
    private final BodyBudget.Share share;

    ImageBody(byte[] bytes, BodyBudget.Share share) {
        this.bytes = bytes;
        this.share = share;
    }

    /** Bytes that hold no share of the budget: inline data, tests. */
    public static ImageBody of(byte[] bytes) {
        return new ImageBody(bytes, null);
    }

    public byte[] bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (share != null) {
            share.close();
        }
    }
}
