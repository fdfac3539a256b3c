package com.ffs.validator.image;

import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Pillow 9.4's {@code TiffImagePlugin.OPEN_INFO}: the Pillow mode and raw mode of each TIFF layout it reads, keyed by
 * byte order, photometric interpretation, sample formats, fill order, bits per sample and extra samples. A layout
 * missing here is one Pillow refuses.
 */
final class TiffModes {

    /** A layout's Pillow mode and the raw mode its samples unpack with. */
    record Mode(PillowMode mode, String rawmode) {
    }

    private static final Map<String, Mode> TABLE = new HashMap<>();

    static {
        put("II|0|1|1|1|", PillowMode.BILEVEL, "1;I");
        put("MM|0|1|1|1|", PillowMode.BILEVEL, "1;I");
        put("II|0|1|2|1|", PillowMode.BILEVEL, "1;IR");
        put("MM|0|1|2|1|", PillowMode.BILEVEL, "1;IR");
        put("II|1|1|1|1|", PillowMode.BILEVEL, "1");
        put("MM|1|1|1|1|", PillowMode.BILEVEL, "1");
        put("II|1|1|2|1|", PillowMode.BILEVEL, "1;R");
        put("MM|1|1|2|1|", PillowMode.BILEVEL, "1;R");
        put("II|0|1|1|2|", PillowMode.L, "L;2I");
        put("MM|0|1|1|2|", PillowMode.L, "L;2I");
        put("II|0|1|2|2|", PillowMode.L, "L;2IR");
        put("MM|0|1|2|2|", PillowMode.L, "L;2IR");
        put("II|1|1|1|2|", PillowMode.L, "L;2");
        put("MM|1|1|1|2|", PillowMode.L, "L;2");
        put("II|1|1|2|2|", PillowMode.L, "L;2R");
        put("MM|1|1|2|2|", PillowMode.L, "L;2R");
        put("II|0|1|1|4|", PillowMode.L, "L;4I");
        put("MM|0|1|1|4|", PillowMode.L, "L;4I");
        put("II|0|1|2|4|", PillowMode.L, "L;4IR");
        put("MM|0|1|2|4|", PillowMode.L, "L;4IR");
        put("II|1|1|1|4|", PillowMode.L, "L;4");
        put("MM|1|1|1|4|", PillowMode.L, "L;4");
        put("II|1|1|2|4|", PillowMode.L, "L;4R");
        put("MM|1|1|2|4|", PillowMode.L, "L;4R");
        put("II|0|1|1|8|", PillowMode.L, "L;I");
        put("MM|0|1|1|8|", PillowMode.L, "L;I");
        put("II|0|1|2|8|", PillowMode.L, "L;IR");
        put("MM|0|1|2|8|", PillowMode.L, "L;IR");
        put("II|1|1|1|8|", PillowMode.L, "L");
        put("MM|1|1|1|8|", PillowMode.L, "L");
        put("II|1|1|2|8|", PillowMode.L, "L;R");
        put("MM|1|1|2|8|", PillowMode.L, "L;R");
        put("II|1|1|1|12|", PillowMode.I16, "I;12");
        put("II|0|1|1|16|", PillowMode.I16, "I;16");
        put("II|1|1|1|16|", PillowMode.I16, "I;16");
        put("MM|1|1|1|16|", PillowMode.I16B, "I;16B");
        put("II|1|1|2|16|", PillowMode.I16, "I;16R");
        put("II|1|2|1|16|", PillowMode.I, "I;16S");
        put("MM|1|2|1|16|", PillowMode.I, "I;16BS");
        put("II|0|3|1|32|", PillowMode.F, "F;32F");
        put("MM|0|3|1|32|", PillowMode.F, "F;32BF");
        put("II|1|1|1|32|", PillowMode.I, "I;32N");
        put("II|1|2|1|32|", PillowMode.I, "I;32S");
        put("MM|1|2|1|32|", PillowMode.I, "I;32BS");
        put("II|1|3|1|32|", PillowMode.F, "F;32F");
        put("MM|1|3|1|32|", PillowMode.F, "F;32BF");
        put("II|1|1|1|8,8|2", PillowMode.LA, "LA");
        put("MM|1|1|1|8,8|2", PillowMode.LA, "LA");
        put("II|2|1|1|8,8,8|", PillowMode.RGB, "RGB");
        put("MM|2|1|1|8,8,8|", PillowMode.RGB, "RGB");
        put("II|2|1|2|8,8,8|", PillowMode.RGB, "RGB;R");
        put("MM|2|1|2|8,8,8|", PillowMode.RGB, "RGB;R");
        put("II|2|1|1|8,8,8,8|", PillowMode.RGBA, "RGBA");
        put("MM|2|1|1|8,8,8,8|", PillowMode.RGBA, "RGBA");
        put("II|2|1|1|8,8,8,8|0", PillowMode.RGBX, "RGBX");
        put("MM|2|1|1|8,8,8,8|0", PillowMode.RGBX, "RGBX");
        put("II|2|1|1|8,8,8,8,8|0,0", PillowMode.RGBX, "RGBXX");
        put("MM|2|1|1|8,8,8,8,8|0,0", PillowMode.RGBX, "RGBXX");
        put("II|2|1|1|8,8,8,8,8,8|0,0,0", PillowMode.RGBX, "RGBXXX");
        put("MM|2|1|1|8,8,8,8,8,8|0,0,0", PillowMode.RGBX, "RGBXXX");
        put("II|2|1|1|8,8,8,8|1", PillowMode.RGBA, "RGBa");
        put("MM|2|1|1|8,8,8,8|1", PillowMode.RGBA, "RGBa");
        put("II|2|1|1|8,8,8,8,8|1,0", PillowMode.RGBA, "RGBaX");
        put("MM|2|1|1|8,8,8,8,8|1,0", PillowMode.RGBA, "RGBaX");
        put("II|2|1|1|8,8,8,8,8,8|1,0,0", PillowMode.RGBA, "RGBaXX");
        put("MM|2|1|1|8,8,8,8,8,8|1,0,0", PillowMode.RGBA, "RGBaXX");
        put("II|2|1|1|8,8,8,8|2", PillowMode.RGBA, "RGBA");
        put("MM|2|1|1|8,8,8,8|2", PillowMode.RGBA, "RGBA");
        put("II|2|1|1|8,8,8,8,8|2,0", PillowMode.RGBA, "RGBAX");
        put("MM|2|1|1|8,8,8,8,8|2,0", PillowMode.RGBA, "RGBAX");
        put("II|2|1|1|8,8,8,8,8,8|2,0,0", PillowMode.RGBA, "RGBAXX");
        put("MM|2|1|1|8,8,8,8,8,8|2,0,0", PillowMode.RGBA, "RGBAXX");
        put("II|2|1|1|8,8,8,8|999", PillowMode.RGBA, "RGBA");
        put("MM|2|1|1|8,8,8,8|999", PillowMode.RGBA, "RGBA");
        put("II|2|1|1|16,16,16|", PillowMode.RGB, "RGB;16L");
        put("MM|2|1|1|16,16,16|", PillowMode.RGB, "RGB;16B");
        put("II|2|1|1|16,16,16,16|", PillowMode.RGBA, "RGBA;16L");
        put("MM|2|1|1|16,16,16,16|", PillowMode.RGBA, "RGBA;16B");
        put("II|2|1|1|16,16,16,16|0", PillowMode.RGBX, "RGBX;16L");
        put("MM|2|1|1|16,16,16,16|0", PillowMode.RGBX, "RGBX;16B");
        put("II|2|1|1|16,16,16,16|1", PillowMode.RGBA, "RGBa;16L");
        put("MM|2|1|1|16,16,16,16|1", PillowMode.RGBA, "RGBa;16B");
        put("II|2|1|1|16,16,16,16|2", PillowMode.RGBA, "RGBA;16L");
        put("MM|2|1|1|16,16,16,16|2", PillowMode.RGBA, "RGBA;16B");
        put("II|3|1|1|1|", PillowMode.P, "P;1");
        put("MM|3|1|1|1|", PillowMode.P, "P;1");
        put("II|3|1|2|1|", PillowMode.P, "P;1R");
        put("MM|3|1|2|1|", PillowMode.P, "P;1R");
        put("II|3|1|1|2|", PillowMode.P, "P;2");
        put("MM|3|1|1|2|", PillowMode.P, "P;2");
        put("II|3|1|2|2|", PillowMode.P, "P;2R");
        put("MM|3|1|2|2|", PillowMode.P, "P;2R");
        put("II|3|1|1|4|", PillowMode.P, "P;4");
        put("MM|3|1|1|4|", PillowMode.P, "P;4");
        put("II|3|1|2|4|", PillowMode.P, "P;4R");
        put("MM|3|1|2|4|", PillowMode.P, "P;4R");
        put("II|3|1|1|8|", PillowMode.P, "P");
        put("MM|3|1|1|8|", PillowMode.P, "P");
        put("II|3|1|1|8,8|2", PillowMode.PA, "PA");
        put("MM|3|1|1|8,8|2", PillowMode.PA, "PA");
        put("II|3|1|2|8|", PillowMode.P, "P;R");
        put("MM|3|1|2|8|", PillowMode.P, "P;R");
        put("II|5|1|1|8,8,8,8|", PillowMode.CMYK, "CMYK");
        put("MM|5|1|1|8,8,8,8|", PillowMode.CMYK, "CMYK");
        put("II|5|1|1|8,8,8,8,8|0", PillowMode.CMYK, "CMYKX");
        put("MM|5|1|1|8,8,8,8,8|0", PillowMode.CMYK, "CMYKX");
        put("II|5|1|1|8,8,8,8,8,8|0,0", PillowMode.CMYK, "CMYKXX");
        put("MM|5|1|1|8,8,8,8,8,8|0,0", PillowMode.CMYK, "CMYKXX");
        put("II|5|1|1|16,16,16,16|", PillowMode.CMYK, "CMYK;16L");
        put("II|6|1|1|8,8,8|", PillowMode.RGB, "RGBX");
        put("MM|6|1|1|8,8,8|", PillowMode.RGB, "RGBX");
        put("II|8|1|1|8,8,8|", PillowMode.LAB, "LAB");
        put("MM|8|1|1|8,8,8|", PillowMode.LAB, "LAB");
    }

    private TiffModes() {
    }

    private static void put(String key, PillowMode mode, String rawmode) {
        TABLE.put(key, new Mode(mode, rawmode));
    }

    /** The mode Pillow reads this layout in, or null where it refuses it. */
    static Mode find(boolean bigEndian, int photometric, long[] sampleFormat, int fillOrder, long[] bits,
            long[] extra) {
        String key = (bigEndian ? "MM" : "II") + "|" + photometric + "|" + join(sampleFormat) + "|" + fillOrder + "|"
                + join(bits) + "|" + join(extra);
        return TABLE.get(key);
    }

    private static String join(long[] values) {
        StringJoiner j = new StringJoiner(",");
        for (long v : values) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }
}
