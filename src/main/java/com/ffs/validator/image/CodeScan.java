package com.ffs.validator.image;

import java.util.List;

/**
 * What a code scan found.
 *
 * @param codes the codes, in the order found, each text once
 * @param complete false when the scan stopped early: its time ran out, or the picture held so many QR finder-pattern
 *        look-alikes that the QR search was abandoned; the codes found until then are still listed
 */
public record CodeScan(List<ScannedCode> codes, boolean complete) {

    public CodeScan {
        codes = List.copyOf(codes);
    }
}
