package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Formats are recognised from bytes alone. */
class ImageFormatTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldSniffContainersFromMagicBytes() {
        assertThat(ImageFormat.sniff(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0 })).isEqualTo(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(bytes("\u0089PNG\r\n\u001a\n...."))).isEqualTo(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(bytes("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000")))
                .isEqualTo(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(bytes("GIF89a"))).as("too short for a screen descriptor")
                .isEqualTo(ImageFormat.UNKNOWN);
        byte[] bmp = new byte[30];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[14] = 40;
        assertThat(ImageFormat.sniff(bmp)).isEqualTo(ImageFormat.BMP);
        bmp[14] = 99;
        assertThat(ImageFormat.sniff(bmp)).as("BM followed by no known info header").isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.sniff(bytes("\u0000\u0000\u0000\u0018ftypjxl ...."))).isEqualTo(ImageFormat.JPEG_XL);
        assertThat(ImageFormat.sniff(bytes("%PDF-1.4"))).isEqualTo(ImageFormat.PDF);
        assertThat(ImageFormat.sniff(bytes("RIFF\0\0\0\0WEBPVP8 "))).isEqualTo(ImageFormat.WEBP);
        assertThat(ImageFormat.sniff(bytes("\0\0\0\u0018ftypheic...."))).isEqualTo(ImageFormat.HEIC);
        assertThat(ImageFormat.sniff(bytes("\0\0\0\u001cftypavif...."))).isEqualTo(ImageFormat.AVIF);
        assertThat(ImageFormat.sniff(bytes("II*\0...."))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff(bytes("<!doctype html>"))).isEqualTo(ImageFormat.UNKNOWN);
    }

    @Test
    void shouldDescribeWhatIsNotAnImage() {
        assertThat(ImageFormat.describeUnknown(new byte[0])).isEqualTo("empty body");
        assertThat(ImageFormat.describeUnknown(bytes("  <!DOCTYPE html><html>"))).isEqualTo("an HTML page");
        assertThat(ImageFormat.describeUnknown(bytes("{\"error\": 1}"))).isEqualTo("JSON");
        assertThat(ImageFormat.describeUnknown(bytes("\u00ef\u00bb\u00bf<html>"))).isEqualTo("an HTML page");
        assertThat(ImageFormat.describeUnknown(new byte[] { 1, 2, 3 })).contains("010203");
    }
}
