package com.ffs.validator.image;

/**
 * Pillow's image modes that the decoders produce, with the bytes Pillow keeps per pixel: multi-band modes take four
 * (the bands at fixed offsets: {@code LA} and {@code PA} keep their second band in the fourth byte), {@code I;16}
 * two, {@code I} and {@code F} a native 32-bit int or float.
 */
enum PillowMode {
    BILEVEL("1", 1),
    L("L", 1),
    LA("LA", 4),
    P("P", 1),
    PA("PA", 4),
    I16("I;16", 2),
    I16B("I;16B", 2),
    I("I", 4),
    F("F", 4),
    RGB("RGB", 4),
    RGBA("RGBA", 4),
    RGBX("RGBX", 4),
    CMYK("CMYK", 4),
    LAB("LAB", 4);

    private final String pillowName;
    private final int pixelSize;

    PillowMode(String pillowName, int pixelSize) {
        this.pillowName = pillowName;
        this.pixelSize = pixelSize;
    }

    /** The mode's name in Pillow. */
    String pillowName() {
        return pillowName;
    }

    /** Bytes a pixel takes. */
    int pixelSize() {
        return pixelSize;
    }

    /** Whether the mode carries an alpha band. */
    boolean hasAlpha() {
        return this == LA || this == PA || this == RGBA;
    }
}
