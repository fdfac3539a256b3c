package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

/** Inline images (data: URIs and bare base64) under the same byte cap as fetched ones. */
class ImageSourceTest {

    private static Vertx vertx;
    private static ImageFetcher fetcher;
    private static ImageSource source;
    private static final long CAP = 4096;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ImageFetcherTest.Settings settings = new ImageFetcherTest.Settings(false, Optional.of(List.of()),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), CAP, 5, 8, 2,
                4, Optional.empty(), "test");
        fetcher = new ImageFetcher(vertx, settings, host -> {
            throw new UnknownHostException(host);
        }, null);
        source = new ImageSource(fetcher, settings);
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static byte[] png() {
        return Goldens.bytes("rgb_1x1.png");
    }

    static CompletableFuture<byte[]> load(String reference) {
        return source.load(reference, source.group(), Runnable::run).thenApply(ImageBody::bytes);
    }

    static IntakeError code(String reference) {
        try {
            load(reference).join();
        } catch (CompletionException e) {
            return ((IntakeException) e.getCause()).error();
        }
        throw new AssertionError("expected a failure for " + reference);
    }

    @Test
    void shouldDecodeDataUrisAndBareBase64() {
        String b64 = Base64.getEncoder().encodeToString(png());
        assertThat(load("data:image/png;base64," + b64).join()).isEqualTo(png());
        assertThat(load("DATA:image/png;BASE64," + b64).join()).isEqualTo(png());
        assertThat(load("data:;base64," + b64).join()).isEqualTo(png());
        assertThat(load(b64).join()).isEqualTo(png());
        // MIME line breaks, URL-safe alphabet and missing padding are all seen in the wild.
        assertThat(load(Base64.getMimeEncoder().encodeToString(png())).join()).isEqualTo(png());
        assertThat(load(Base64.getUrlEncoder().withoutPadding().encodeToString(png())).join()).isEqualTo(png());
    }

    @Test
    void shouldCallBadBase64InvalidImageData() {
        assertThat(code("data:image/png;base64,!!!not-base64!!!")).isEqualTo(IntakeError.INVALID_IMAGE_DATA);
        assertThat(code("data:image/png;base64,iVBORw0KGgo=AAAA")).isEqualTo(IntakeError.INVALID_IMAGE_DATA);
        assertThat(code("data:image/png,rawbytes")).isEqualTo(IntakeError.INVALID_IMAGE_DATA);
        assertThat(code("data:image/png;base64")).isEqualTo(IntakeError.INVALID_IMAGE_DATA);
        assertThat(code("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC="))
                .isEqualTo(IntakeError.INVALID_IMAGE_DATA);
    }

    @Test
    void shouldApplyTheByteCapToInlineImages() {
        byte[] big = new byte[(int) CAP + 10];
        assertThat(code("data:image/png;base64," + Base64.getEncoder().encodeToString(big)))
                .isEqualTo(IntakeError.FETCH_TOO_LARGE);
        assertThat(code(Base64.getEncoder().encodeToString(big))).isEqualTo(IntakeError.FETCH_TOO_LARGE);
        byte[] fits = new byte[(int) CAP];
        assertThat(load(Base64.getEncoder().encodeToString(fits)).join()).hasSize((int) CAP);
    }

    @Test
    void shouldDecodeInlineDataOnTheGivenExecutorNotTheCaller() {
        String b64 = Base64.getEncoder().encodeToString(png());
        List<String> ranOn = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(
                r -> new Thread(r, "cpu-test"));
        try {
            Executor recording = task -> pool.execute(() -> {
                ranOn.add(Thread.currentThread().getName());
                task.run();
            });
            assertThat(source.load("data:image/png;base64," + b64, source.group(), recording).join().bytes())
                    .isEqualTo(png());
            assertThat(source.load(b64, source.group(), recording).join().bytes()).isEqualTo(png());
        } finally {
            pool.shutdown();
        }
        assertThat(ranOn).containsExactly("cpu-test", "cpu-test");
    }

    @Test
    void shouldCallEverythingElseAnInvalidUrl() {
        for (String reference : List.of("", "   ", "ftp://example.com/a.png", "file:///etc/passwd", "example.com/a.jpg",
                "/etc/passwd", "C:\\images\\a.png", "javascript:alert(1)", "short")) {
            assertThat(code(reference)).as(reference).isEqualTo(IntakeError.INVALID_URL);
        }
    }
}
