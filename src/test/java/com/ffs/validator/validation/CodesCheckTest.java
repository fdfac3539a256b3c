package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.image.AlphaPolicy;
import com.ffs.validator.image.CheckCopy;
import com.ffs.validator.image.CodeScanner;
import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.testing.PastedCodes;
import com.ffs.validator.testing.ProductPhotos;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Codes pasted into product photos the way sellers do, found through the service's decoder and classified. */
class CodesCheckTest {

    private static final ImageDecoder DECODER = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE);
    /** The default time limit is for a busy server; tests on a shared machine get more. */
    private static final CodesCheck CHECK = new CodesCheck(new CodeScanner(
            Duration.ofSeconds(30)));
    private static final BufferedImage PHOTO = ProductPhotos.shirt(2000, 1500, 21);

    @ParameterizedTest(name = "{0} at {1} of the width, {2} degrees, at {3},{4}")
    @CsvSource({
            "https://wa.me/4915112345678, 0.05, 12, 0.2, 0.25, url",
            "https://wa.me/4915112345678, 0.10, -20, 0.8, 0.7, url",
            "https://wa.me/4915112345678, 0.30, 33, 0.5, 0.5, url",
            "tel:+4915112345678, 0.05, -8, 0.85, 0.2, phone",
            "tel:+4915112345678, 0.15, 45, 0.3, 0.7, phone",
            "tel:+4915112345678, 0.25, 5, 0.75, 0.55, phone",
            "mailto:shop.berlin@example.com, 0.06, 27, 0.6, 0.8, email",
            "mailto:shop.berlin@example.com, 0.20, -35, 0.25, 0.45, email",
            "mailto:shop.berlin@example.com, 0.30, 15, 0.55, 0.5, email" })
    void aPastedQrCodeShouldBeFoundAndClassified(String text, double share, double degrees, double x, double y,
            String kind) {
        BufferedImage pasted = PastedCodes.paste(PHOTO, PastedCodes.qr(text), 2, share, degrees, x, y);
        // JPEG quality 50, decoded by the pipeline's decoder: the pixels the service would scan.
        RgbImage image = DECODER.decode(ProductPhotos.jpeg(pasted, 0.5f));
        assertThat(CHECK.evaluate(image, CheckCopy.of(image)))
                .containsExactly(new CodeResult("qr_code", text, CodeKind.valueOf(kind.toUpperCase())));
    }

    @Test
    void anEan13OnAClothingTagAndPlainTexturesShouldGiveNone() {
        BufferedImage tag = PastedCodes.paste(PHOTO, PastedCodes.ean13("400638133393", 50), 8, 0.25, 0, 0.7, 0.3);
        List<BufferedImage> images = List.of(tag, PHOTO, ProductPhotos.blur(PHOTO, 6),
                ProductPhotos.exposed(PHOTO, 0.2));
        for (BufferedImage photo : images) {
            RgbImage image = DECODER.decode(ProductPhotos.jpeg(photo, 0.5f));
            assertThat(CHECK.evaluate(image, CheckCopy.of(image))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://wa.me/4915112345678 | url",
            "HTTP://EXAMPLE.COM | url",
            "whatsapp://send?phone=4915112345678 | url",
            "www.instagram.com/acme | url",
            "instagram.com/acme.outlet | url",
            "shop.example.co.uk/sale?ref=qr | url",
            "mailto:shop@example.com | email",
            "MATMSG:TO:shop@example.com;; | email",
            "shop.berlin@example.com | email",
            "tel:+4915112345678 | phone",
            "SMSTO:+4915112345678:hello | phone",
            "+49 151 1234 5678 | phone",
            "0151-12345678 | phone",
            "(555) 123-4567 | phone",
            "@acme.outlet | handle",
            "@shop_berlin | handle",
            "4006381333931 | other",
            "WIFI:S:guest;T:WPA;P:secret;; | other",
            "3.14 | other",
            "v1.2.3 | other",
            "hello world | other",
            "@ | other",
            "a@b | other",
            "example. | other",
            "-bad.com | other" })
    void textsShouldBeClassifiedByWhereTheyLead(String text, String kind) {
        assertThat(CodesCheck.classify(text)).isEqualTo(CodeKind.valueOf(kind.toUpperCase()));
    }

    @Test
    void contactCardsShouldCountAsTheirWayToReachTheSeller() {
        assertThat(CodesCheck.classify("BEGIN:VCARD\nVERSION:3.0\nFN:Shop\nTEL;TYPE=CELL:+4915112345678\nEND:VCARD"))
                .isEqualTo(CodeKind.PHONE);
        assertThat(CodesCheck.classify("MECARD:N:Shop;EMAIL:shop@example.com;;")).isEqualTo(CodeKind.EMAIL);
        assertThat(CodesCheck.classify("MECARD:N:Shop;TEL:+4915112345678;;")).isEqualTo(CodeKind.PHONE);
        assertThat(CodesCheck.classify("BEGIN:VCARD\nFN:Shop\nEND:VCARD")).isEqualTo(CodeKind.OTHER);
    }

    @Test
    void classifyingShouldStayLinearOnHostileTexts() {
        String dots = "a.".repeat(3000) + "!";
        String ats = "@".repeat(7000);
        String digits = "1-".repeat(3500);
        for (String text : List.of(dots, ats, digits)) {
            assertThat(CodesCheck.classify(text)).isEqualTo(CodeKind.OTHER);
        }
    }

    @Test
    void theResultShouldSerialiseInTheSeedsStyle() throws Exception {
        assertThat(new ObjectMapper().writeValueAsString(new CodeResult("qr_code", "tel:+491", CodeKind.PHONE)))
                .isEqualTo("{\"format\":\"qr_code\",\"text\":\"tel:+491\",\"kind\":\"phone\"}");
    }

    @Test
    void theTimeLimitShouldComeFromConfiguration() {
        CodesConfig config = new SmallRyeConfigBuilder().withMapping(CodesConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).build()
                .getConfigMapping(CodesConfig.class);
        assertThat(config.timeLimit()).isEqualTo(Duration.ofMillis(150));
        assertThat(new CodesCheck(config)).isNotNull();
    }
}
