package com.ffs.validator.image;

/** Why an image could not be taken in. The names are part of the API (per-image {@code error.code}); never rename. */
public enum IntakeError {
    /** Not an http(s) URL, a data: URI or base64 image data. */
    INVALID_URL,
    /** A data: URI or base64 string that does not decode. */
    INVALID_IMAGE_DATA,
    /** The URL points at an address the fetch policy refuses (loopback, private, link-local...). */
    FETCH_BLOCKED,
    /** The host could not be resolved or the connection failed before any HTTP answer. */
    FETCH_FAILED,
    /** Connecting, reading or the whole download took longer than allowed. */
    FETCH_TIMEOUT,
    /** The server answered with a non-2xx status (or redirected too often). */
    FETCH_HTTP_STATUS,
    /** The body is larger than the byte cap. */
    FETCH_TOO_LARGE,
    /** The bytes are not an image format the service decodes. */
    UNSUPPORTED_FORMAT,
    /** The bytes claim a supported format but are truncated or corrupt. */
    DECODE_FAILED,
    /** The image has more pixels than the pixel cap. */
    IMAGE_TOO_LARGE
}
