package com.ffs.validator.image;

import java.util.Locale;

/** The two-dimensional code symbologies the code scan looks for; linear barcodes are left out on purpose. */
public enum CodeFormat {
    /** QR Code (ISO/IEC 18004). */
    QR_CODE,
    /** Data Matrix (ISO/IEC 16022). */
    DATA_MATRIX,
    /** Aztec Code (ISO/IEC 24778). */
    AZTEC;

    /** The name in results: {@code qr_code}, {@code data_matrix}, {@code aztec}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
