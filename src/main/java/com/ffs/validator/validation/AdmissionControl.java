package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import com.ffs.validator.inference.ModelKind;

/**
 * Decides when a request's images may start, by the time they are expected to wait: each model's measured device
 * time per image, summed over the work already admitted and divided by the batches the device runs at once, must stay
 * within {@code validator.request.max-queue-time}. The same rule holds on every device: a GPU admits thousands of
 * images, two CPU cores a few dozen. The image cap ({@code validator.request.max-in-flight-images}) still bounds
 * memory.
 *
 * <p>
 * A request that may not start now is either refused with its expected wait (the native API: 503 and an honest
 * {@code Retry-After}) or queued, first come first served, until the work ahead of it has drained (RunPod jobs, bulk
 * runs). Queued requests hold no thread; at most {@link #MAX_WAITING} wait, more are refused. An idle service admits
 * any request, however large, so that a request bigger than the queue time still runs.
 *
 * <p>
 * Refused requests get turns: each refusal books the refused work after the work already booked, and its
 * {@code Retry-After} is the time until its turn, so refused callers come back one after another, not all at the
 * same second. Until a turn is due, newcomers are admitted only into room that no turn due within the queue time was
 * promised; a caller coming back at its turn takes the earliest due one. A turn nobody comes back for is forgotten
 * after {@link #APPOINTMENT_GRACE}; at most {@link #MAX_APPOINTMENTS} are kept.
 *
 * <p>
 * Thread-safe: one lock guards the counters and the queue; granting runs outside it.
 */
final class AdmissionControl {

    /** Requests that may queue for admission at once; more are refused as overloaded. */
    static final int MAX_WAITING = 1024;
    /** Longest Retry-After given: beyond it the estimate is no better than "later". */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);
    /** How late a refused caller may come back and still find its turn. */
    static final Duration APPOINTMENT_GRACE = Duration.ofSeconds(2);
    /** Turns kept at most; refusals beyond them book nothing. */
    static final int MAX_APPOINTMENTS = 4096;
    /** A caller may come back this much before its turn (clocks and rounding) and still take it. */
    private static final long EARLY_NANOS = 100_000_000L;

    /** What the device's work costs: the engine's measured rates, or a fake in tests. */
    interface Costs {
        /** Device time one image costs {@code kind}; 0 while unknown. */
        long nanosPerImage(ModelKind kind);

        /** Batches the device runs at once. */
        int parallelism();
    }

    /** Why a request was not admitted now. */
    enum Refusal {
        /** Its images would wait longer than the queue time. */
        EXPECTED_WAIT,
        /** The image cap (memory) is reached. */
        IMAGE_CAP,
        /** Too many requests already wait for admission. */
        QUEUE_FULL
    }

    /** A request the rule refuses now, with the expected time until it would be admitted. */
    static final class Refused extends RuntimeException {
        private final Refusal reason;
        private final Duration retryAfter;
        private final Duration expectedWait;

        Refused(Refusal reason, Duration expectedWait, Duration retryAfter) {
            super(reason.name(), null, false, false);
            this.reason = reason;
            this.expectedWait = expectedWait;
            this.retryAfter = retryAfter;
        }

        Refusal reason() {
            return reason;
        }

        /** How long the request's images would wait if it were admitted now. */
        Duration expectedWait() {
            return expectedWait;
        }

        /** Expected time until the request would be admitted: whole seconds, at least 1, capped. */
        Duration retryAfter() {
            return retryAfter;
        }
    }

    private final Costs costs;
    private final int maxImages;
    private final long maxQueueNanos;
    private final LongSupplier clock;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private final Map<ModelKind, Long> backlogByModel = new EnumMap<>(ModelKind.class);
    private final PriorityQueue<Appointment> appointments = new PriorityQueue<>();
    private int images;
    private long backlogNanos;
    /** When the device would have drained the booked turns' work (clock nanos). */
    private long bookedUntil;
    private long booked;

    AdmissionControl(Costs costs, int maxImages, Duration maxQueueTime) {
        this(costs, maxImages, maxQueueTime, System::nanoTime);
    }

    AdmissionControl(Costs costs, int maxImages, Duration maxQueueTime, LongSupplier clock) {
        if (maxImages < 1) {
            throw new IllegalArgumentException("validator.request.max-in-flight-images must be at least 1");
        }
        this.costs = costs;
        this.maxImages = maxImages;
        this.maxQueueNanos = maxQueueTime.toNanos();
        this.clock = clock;
        this.bookedUntil = clock.getAsLong();
        for (ModelKind kind : ModelKind.values()) {
            backlogByModel.put(kind, 0L);
        }
    }

    /** A refused request's turn: when it is due, and its device time ({@code order} keeps equal times in order). */
    private record Appointment(long due, long deviceNanos, long order) implements Comparable<Appointment> {
        @Override
        public int compareTo(Appointment o) {
            int byDue = Long.compare(due, o.due);
            return byDue != 0 ? byDue : Long.compare(order, o.order);
        }
    }

    /** A request waiting to be admitted. */
    private record Waiter(Work work, CompletableFuture<Ticket> ticket) {
    }

    /** The expected device time of one request's images, per image and per model, fixed when it is weighed. */
    private record Work(int images, Map<ModelKind, Long> nanosPerImage) {
        long perImage() {
            long sum = 0;
            for (long n : nanosPerImage.values()) {
                sum += n;
            }
            return sum;
        }

        long total() {
            return perImage() * images;
        }
    }

    /**
     * A request's admitted images. Each image gives its share back once, with {@link #release(int)}, when its work
     * has ended however it ended; {@link #releaseAll()} gives back what is left.
     */
    final class Ticket {
        private final Work work;
        private final boolean[] released;

        private Ticket(Work work) {
            this.work = work;
            this.released = new boolean[work.images];
        }

        /** Gives back image {@code index}'s share; later calls for it do nothing. */
        void release(int index) {
            List<Grant> granted;
            synchronized (AdmissionControl.this) {
                if (released[index]) {
                    return;
                }
                released[index] = true;
                images--;
                backlogNanos -= work.perImage();
                work.nanosPerImage.forEach((kind, n) -> backlogByModel.merge(kind, -n, Long::sum));
                granted = admitWaiting();
            }
            grant(granted);
        }

        /** Gives back every image not given back yet. */
        void releaseAll() {
            for (int i = 0; i < released.length; i++) {
                release(i);
            }
        }
    }

    private Work weigh(int count, Set<ModelKind> models) {
        Map<ModelKind, Long> perImage = new EnumMap<>(ModelKind.class);
        for (ModelKind kind : models) {
            perImage.put(kind, Math.max(0, costs.nanosPerImage(kind)));
        }
        return new Work(count, perImage);
    }

    /**
     * Admits {@code count} images needing {@code models} now, or refuses.
     *
     * @throws Refused when the images would wait longer than the queue time, the image cap is reached, or requests
     *         that queued earlier still wait
     */
    Ticket admitNow(int count, Set<ModelKind> models) {
        Work work = weigh(count, models);
        synchronized (this) {
            long now = clock.getAsLong();
            forgetMissedTurns(now);
            Appointment earliest = appointments.peek();
            boolean turnDue = earliest != null && earliest.due - now <= EARLY_NANOS;
            if (waiting.isEmpty() && turnDue && fits(work, 0)) {
                // A caller back at its turn (callers are not told apart: whoever comes first takes it).
                appointments.poll();
                return take(work);
            }
            long promised = turnDue ? 0 : promisedWithinQueueTime(now);
            if (waiting.isEmpty() && !turnDue && fits(work, promised)) {
                return take(work);
            }
            if (turnDue) {
                // The work ahead has not drained as expected: the turn stays, and the caller tries again soon.
                throw refusal(work, waiting.isEmpty() ? null : Refusal.EXPECTED_WAIT, now, false, 0);
            }
            throw refusal(work, waiting.isEmpty() ? null : Refusal.EXPECTED_WAIT, now, true, promised);
        }
    }

    /** Forgets turns whose callers did not come back in time, with the device time booked for them. */
    private void forgetMissedTurns(long now) {
        long parallelism = Math.max(1, costs.parallelism());
        while (!appointments.isEmpty() && now - appointments.peek().due > APPOINTMENT_GRACE.toNanos()) {
            bookedUntil = Math.max(now, bookedUntil - appointments.poll().deviceNanos / parallelism);
        }
    }

    /** Device time promised to turns that fall due within the queue time from {@code now}. */
    private long promisedWithinQueueTime(long now) {
        long promised = 0;
        for (Appointment a : appointments) {
            if (a.due - now <= maxQueueNanos) {
                promised += a.deviceNanos;
            }
        }
        return promised;
    }

    /**
     * Admits {@code count} images needing {@code models} as soon as the rule allows, after the requests that queued
     * before; the future completes with the ticket. Cancelling the future withdraws the request.
     *
     * @throws Refused {@link Refusal#QUEUE_FULL} when {@link #MAX_WAITING} requests wait already
     */
    CompletableFuture<Ticket> admitWhenPossible(int count, Set<ModelKind> models) {
        Work work = weigh(count, models);
        CompletableFuture<Ticket> ticket = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.isEmpty() && fits(work)) {
                return CompletableFuture.completedFuture(take(work));
            }
            if (waiting.size() >= MAX_WAITING) {
                throw refusal(work, Refusal.QUEUE_FULL, clock.getAsLong(), false, 0);
            }
            waiting.add(new Waiter(work, ticket));
        }
        // A withdrawn request leaves the queue, and the ones behind it may now fit.
        ticket.whenComplete((t, e) -> {
            if (e != null) {
                List<Grant> granted;
                synchronized (this) {
                    waiting.removeIf(w -> w.ticket == ticket);
                    granted = admitWaiting();
                }
                grant(granted);
            }
        });
        return ticket;
    }

    /** The images' expected wait behind the admitted work, if they were admitted now. */
    private long expectedNanos(Work work) {
        return (backlogNanos + work.total()) / Math.max(1, costs.parallelism());
    }

    private boolean fits(Work work) {
        return fits(work, 0);
    }

    /** Whether the work fits beside what is admitted and {@code promised} device time kept for turns. */
    private boolean fits(Work work, long promised) {
        if (images == 0) {
            // An idle service takes any request: otherwise one larger than the queue time could never run.
            return true;
        }
        return images + work.images <= maxImages
                && expectedNanos(work) + promised / Math.max(1, costs.parallelism()) <= maxQueueNanos;
    }

    private Ticket take(Work work) {
        images += work.images;
        backlogNanos += work.total();
        work.nanosPerImage.forEach((kind, n) -> backlogByModel.merge(kind, n * work.images, Long::sum));
        return new Ticket(work);
    }

    /** A queued request admitted, to be told outside the lock. */
    private record Grant(CompletableFuture<Ticket> future, Ticket ticket) {
    }

    /** Admits queued requests from the head while they fit; the caller grants them outside the lock. */
    private List<Grant> admitWaiting() {
        List<Grant> granted = new ArrayList<>();
        while (!waiting.isEmpty()) {
            Waiter head = waiting.peek();
            if (head.ticket.isDone()) {
                waiting.poll();
                continue;
            }
            if (!fits(head.work)) {
                break;
            }
            waiting.poll();
            granted.add(new Grant(head.ticket, take(head.work)));
        }
        return granted;
    }

    /** Hands queued requests their tickets; one withdrawn meanwhile gives its ticket straight back. */
    private static void grant(List<Grant> granted) {
        for (Grant g : granted) {
            if (!g.future.complete(g.ticket)) {
                g.ticket.releaseAll();
            }
        }
    }

    /**
     * The refusal, with the time until the request could be admitted; with {@code book} the request gets a turn after
     * those already booked, and that is its Retry-After. Its expected wait counts the {@code promised} device time of
     * turns it would queue behind.
     */
    private Refused refusal(Work work, Refusal forced, long now, boolean book, long promised) {
        long expected = expectedNanos(work) + promised / Math.max(1, costs.parallelism());
        Refusal reason = forced != null ? forced
                : images + work.images > maxImages ? Refusal.IMAGE_CAP : Refusal.EXPECTED_WAIT;
        long untilAdmitted;
        if (reason == Refusal.IMAGE_CAP) {
            // Enough admitted images must finish: their share of the backlog.
            long excess = images + work.images - maxImages;
            untilAdmitted = images == 0 ? 0 : backlogNanos / images * excess / Math.max(1, costs.parallelism());
        } else {
            untilAdmitted = expected - maxQueueNanos;
        }
        long slot = now + Math.max(0, untilAdmitted);
        book = book && reason != Refusal.QUEUE_FULL && appointments.size() < MAX_APPOINTMENTS;
        if (book) {
            slot = Math.max(slot, bookedUntil);
        }
        long seconds = Math.clamp(Math.ceilDiv(slot - now, 1_000_000_000L), 1, MAX_RETRY_AFTER.toSeconds());
        if (book) {
            appointments.add(new Appointment(now + seconds * 1_000_000_000L, work.total(), booked++));
            bookedUntil = slot + work.total() / Math.max(1, costs.parallelism());
        }
        return new Refused(reason, Duration.ofNanos(expected), Duration.ofSeconds(seconds));
    }

    /** How long a new image needing {@code kind} would wait now, from what is admitted for every model. */
    synchronized Duration expectedWait(ModelKind kind) {
        return Duration.ofNanos(backlogByModel.get(kind) / Math.max(1, costs.parallelism()));
    }

    /** How long newly admitted work would wait behind everything admitted now. */
    synchronized Duration expectedWait() {
        return Duration.ofNanos(backlogNanos / Math.max(1, costs.parallelism()));
    }

    /** Images admitted and not yet given back. */
    synchronized int images() {
        return images;
    }

    /** Requests queued for admission. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** The queue time the rule admits within. */
    Duration maxQueueTime() {
        return Duration.ofNanos(maxQueueNanos);
    }
}
