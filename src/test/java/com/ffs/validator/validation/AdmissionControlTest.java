package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import com.ffs.validator.inference.ModelKind;

/**
 * The admission rule on a fake device whose costs the test sets: images are admitted while their expected wait
 * (admitted work plus their own, over the device's parallelism) stays within the queue time; refusals carry the
 * expected time until admission; queued requests are admitted in order as work drains.
 */
class AdmissionControlTest {

    private static final long MS = 1_000_000L;
    private static final Set<ModelKind> NSFW = Set.of(ModelKind.NSFW);
    private static final Set<ModelKind> ALL = Set.of(ModelKind.values());

    /** A device where each image costs each model a set time, running {@code parallelism} batches at once. */
    static final class FakeDevice implements AdmissionControl.Costs {
        final Map<ModelKind, Long> nanos = new EnumMap<>(ModelKind.class);
        int parallelism = 1;

        FakeDevice(long nsfwMillis, long clipMillis, long siglipMillis) {
            nanos.put(ModelKind.NSFW, nsfwMillis * MS);
            nanos.put(ModelKind.CLIP, clipMillis * MS);
            nanos.put(ModelKind.SIGLIP, siglipMillis * MS);
        }

        @Override
        public long nanosPerImage(ModelKind kind) {
            return nanos.get(kind);
        }

        @Override
        public int parallelism() {
            return parallelism;
        }
    }

    @Test
    void shouldAdmitUpToTheQueueTimeExactlyAndRefuseBeyond() {
        // 100 ms an image, 1 s of queue time: ten images fit, the eleventh does not.
        AdmissionControl control = new AdmissionControl(new FakeDevice(100, 0, 0), 256, Duration.ofSeconds(1));
        control.admitNow(1, NSFW);
        control.admitNow(9, NSFW);
        assertThat(control.expectedWait()).isEqualTo(Duration.ofSeconds(1));

        assertThatThrownBy(() -> control.admitNow(1, NSFW)).isInstanceOfSatisfying(AdmissionControl.Refused.class,
                r -> {
                    assertThat(r.reason()).isEqualTo(AdmissionControl.Refusal.EXPECTED_WAIT);
                    assertThat(r.expectedWait()).isEqualTo(Duration.ofMillis(1100));
                    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        assertThat(control.images()).isEqualTo(10);
    }

    @Test
    void shouldSumTheModelsARequestNeedsAndDivideByTheDevicesParallelism() {
        FakeDevice device = new FakeDevice(100, 50, 150);
        AdmissionControl control = new AdmissionControl(device, 256, Duration.ofSeconds(3));
        // validate: 300 ms an image on one run at a time: ten images are 3 s.
        control.admitNow(10, ALL);
        assertThatThrownBy(() -> control.admitNow(1, NSFW)).isInstanceOf(AdmissionControl.Refused.class);

        device.parallelism = 2;
        // Two runs at once halve every wait: 1.5 s now, so 1.5 s more fits: 29 nsfw images beside the one refused
        // above, whose turn keeps its room.
        assertThat(control.expectedWait()).isEqualTo(Duration.ofMillis(1500));
        control.admitNow(29, NSFW);
        assertThat(control.expectedWait(ModelKind.NSFW)).isEqualTo(Duration.ofMillis((10 + 29) * 100 / 2));
        assertThat(control.expectedWait(ModelKind.CLIP)).isEqualTo(Duration.ofMillis(10 * 50 / 2));
    }

    @Test
    void shouldSayHowLongUntilARefusedRequestWouldBeAdmitted() {
        AdmissionControl control = new AdmissionControl(new FakeDevice(500, 0, 0), 256, Duration.ofSeconds(10));
        control.admitNow(20, NSFW);
        // 10 s admitted; 8 more images (4 s) would wait 14 s: 4 s must drain first.
        assertThatThrownBy(() -> control.admitNow(8, NSFW)).isInstanceOfSatisfying(AdmissionControl.Refused.class,
                r -> {
                    assertThat(r.expectedWait()).isEqualTo(Duration.ofSeconds(14));
                    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(4));
                });
        // Never more than the cap, whatever the backlog.
        AdmissionControl slow = new AdmissionControl(new FakeDevice(60_000, 0, 0), 256, Duration.ofSeconds(10));
        slow.admitNow(10, NSFW);
        assertThatThrownBy(() -> slow.admitNow(1, NSFW)).isInstanceOfSatisfying(AdmissionControl.Refused.class,
                r -> assertThat(r.retryAfter()).isEqualTo(AdmissionControl.MAX_RETRY_AFTER));
    }

    /** A clock the test moves. */
    static final class FakeClock implements LongSupplier {
        long nanos = 1_000_000_000_000L;

        @Override
        public long getAsLong() {
            return nanos;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private static Duration retryAfter(AdmissionControl control, int images) {
        try {
            control.admitNow(images, NSFW);
        } catch (AdmissionControl.Refused r) {
            return r.retryAfter();
        }
        throw new AssertionError("expected a refusal");
    }

    /** 500 ms an image on one run at a time, 10 s of queue time, on the test's clock. */
    private static AdmissionControl halfSecondImages(FakeClock clock) {
        return new AdmissionControl(new FakeDevice(500, 0, 0), 256, Duration.ofSeconds(10), clock);
    }

    /** Gives back the first {@code n} images of a ticket. */
    private static void release(AdmissionControl.Ticket ticket, int n) {
        for (int i = 0; i < n; i++) {
            ticket.release(i);
        }
    }

    @Test
    void shouldGiveRefusedRequestsTurnsOneAfterAnotherNotTheSameMoment() {
        FakeClock clock = new FakeClock();
        AdmissionControl control = halfSecondImages(clock);
        AdmissionControl.Ticket first = control.admitNow(20, NSFW);
        // 10 s admitted; each refused 8-image request is 4 s of work: they are told to come back one after another,
        // when the work ahead of each (the admitted and the earlier refused ones) has drained enough.
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(4));
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(12));

        // At 4 s, 8 images (4 s) have finished: the first refused request comes back and is admitted.
        clock.advance(Duration.ofSeconds(4));
        release(first, 8);
        control.admitNow(8, NSFW);
        assertThat(control.images()).isEqualTo(20);
    }

    @Test
    void shouldKeepRoomPromisedToRefusedRequestsFromNewcomers() {
        FakeClock clock = new FakeClock();
        AdmissionControl control = halfSecondImages(clock);
        AdmissionControl.Ticket first = control.admitNow(20, NSFW);
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(4));
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(8));

        clock.advance(Duration.ofSeconds(4));
        release(first, 16);
        // 2 s admitted. The first refused request comes back: admitted (6 s).
        control.admitNow(8, NSFW);
        // A newcomer alone would fit (6 + 4 = 10 s), but the second refused request is due within the queue time and
        // was promised that room: the newcomer gets a turn after it.
        clock.advance(Duration.ofMillis(100));
        assertThatThrownBy(() -> control.admitNow(8, NSFW)).isInstanceOfSatisfying(AdmissionControl.Refused.class,
                r -> {
                    // Its expected wait counts the turn it would queue behind: 6 + 4 + 4 s, over the queue time.
                    assertThat(r.expectedWait()).isEqualTo(Duration.ofSeconds(14));
                    assertThat(r.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
                });
        assertThat(control.images()).isEqualTo(12);

        // The second comes back on time and finds its room.
        clock.advance(Duration.ofMillis(3900));
        first.release(16);
        first.release(17);
        control.admitNow(8, NSFW);
        assertThat(control.images()).isEqualTo(18);
    }

    @Test
    void shouldForgetATurnNobodyCameBackFor() {
        FakeClock clock = new FakeClock();
        AdmissionControl control = halfSecondImages(clock);
        AdmissionControl.Ticket first = control.admitNow(20, NSFW);
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(4));
        release(first, 16);
        // Its caller never comes back: once the grace has passed, a newcomer is not held back by that turn.
        clock.advance(Duration.ofSeconds(4).plus(AdmissionControl.APPOINTMENT_GRACE).plusMillis(1));
        control.admitNow(8, NSFW);
        assertThat(control.images()).isEqualTo(12);
        // And the turns given next start from what is admitted, not behind the forgotten one.
        control.admitNow(8, NSFW);
        assertThat(retryAfter(control, 8)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void shouldAdmitAnyRequestIntoAnIdleServiceSoThatLargeOnesStillRun() {
        AdmissionControl control = new AdmissionControl(new FakeDevice(1000, 0, 0), 256, Duration.ofSeconds(10));
        // 64 s of work, far over the queue time: admitted because nothing else is in flight.
        AdmissionControl.Ticket ticket = control.admitNow(64, NSFW);
        assertThatThrownBy(() -> control.admitNow(1, NSFW)).isInstanceOf(AdmissionControl.Refused.class);
        ticket.releaseAll();
        assertThat(control.images()).isZero();
        assertThat(control.expectedWait()).isZero();
    }

    @Test
    void shouldKeepTheImageCapAsAMemoryBound() {
        // Free images (cost unknown yet): only the cap limits.
        AdmissionControl control = new AdmissionControl(new FakeDevice(0, 0, 0), 16, Duration.ofSeconds(10));
        control.admitNow(10, NSFW);
        assertThatThrownBy(() -> control.admitNow(7, NSFW)).isInstanceOfSatisfying(AdmissionControl.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(AdmissionControl.Refusal.IMAGE_CAP));
        control.admitNow(6, NSFW);
    }

    @Test
    void shouldGiveEachImagesShareBackOnceAndAdmitQueuedRequestsInOrder() {
        AdmissionControl control = new AdmissionControl(new FakeDevice(100, 0, 0), 256, Duration.ofSeconds(1));
        AdmissionControl.Ticket first = control.admitNow(10, NSFW);
        CompletableFuture<AdmissionControl.Ticket> second = control.admitWhenPossible(5, NSFW);
        CompletableFuture<AdmissionControl.Ticket> third = control.admitWhenPossible(1, NSFW);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(control.waiting()).isEqualTo(2);
        // The native API does not overtake queued jobs.
        assertThatThrownBy(() -> control.admitNow(1, NSFW)).isInstanceOf(AdmissionControl.Refused.class);

        for (int i = 0; i < 4; i++) {
            first.release(i);
            first.release(i);
        }
        // 600 ms left: the second (500 ms) would wait 1.1 s; the third must wait behind it.
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        first.release(4);
        // 500 ms left: the second fits exactly (1 s); the third would wait 1.1 s.
        assertThat(second).isDone();
        assertThat(third).isNotDone();
        first.release(5);
        assertThat(third).isDone();
        assertThat(control.images()).isEqualTo(4 + 5 + 1);
    }

    @Test
    void shouldForgetAWithdrawnRequestAndAdmitTheOnesBehindIt() {
        AdmissionControl control = new AdmissionControl(new FakeDevice(100, 0, 0), 256, Duration.ofSeconds(1));
        AdmissionControl.Ticket first = control.admitNow(10, NSFW);
        CompletableFuture<AdmissionControl.Ticket> big = control.admitWhenPossible(9, NSFW);
        CompletableFuture<AdmissionControl.Ticket> small = control.admitWhenPossible(1, NSFW);
        first.release(0);
        assertThat(small).as("waits behind the big one").isNotDone();

        big.cancel(false);

        assertThat(small).isDone();
        assertThat(control.waiting()).isZero();
        assertThat(control.images()).isEqualTo(9 + 1);
    }

    @Test
    void shouldRefuseQueueingBeyondItsBound() {
        AdmissionControl control = new AdmissionControl(new FakeDevice(100, 0, 0), 256, Duration.ofMillis(100));
        control.admitNow(1, NSFW);
        for (int i = 0; i < AdmissionControl.MAX_WAITING; i++) {
            control.admitWhenPossible(1, NSFW);
        }
        assertThatThrownBy(() -> control.admitWhenPossible(1, NSFW))
                .isInstanceOfSatisfying(AdmissionControl.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(AdmissionControl.Refusal.QUEUE_FULL));
    }
}
