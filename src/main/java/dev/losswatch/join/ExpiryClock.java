package dev.losswatch.join;

/**
 * The time against which one task's join state expires: the task's stream time, moved forward by the
 * wall-clock backstop while stream time stands still.
 *
 * <p>Stream time only advances when records arrive, so on a quiet partition nothing would ever expire.
 * When stream time has not advanced for {@code idleAfterMs} of wall-clock time, the clock moves to
 * wall-clock time minus {@code idleAfterMs}: the lag leaves room for records still in flight, whose
 * timestamps trail the wall clock. The clock never goes back, so an entry once expired stays expired.
 * The backstop position lives in memory only; after a restart the clock starts again from stream time.
 */
final class ExpiryClock {

    private final long idleAfterMs;
    private long lastStreamTime;
    private long wallClockAtLastAdvance;
    private long backstopTime = Long.MIN_VALUE;

    /**
     * @param idleAfterMs zero turns the backstop off: the clock is then stream time alone
     */
    ExpiryClock(long idleAfterMs, long streamTime, long wallClock) {
        this.idleAfterMs = idleAfterMs;
        this.lastStreamTime = streamTime;
        this.wallClockAtLastAdvance = wallClock;
    }

    /** Notes whether stream time advanced since the last observation, and at what wall-clock time. */
    void observe(long streamTime, long wallClock) {
        if (streamTime > lastStreamTime) {
            lastStreamTime = streamTime;
            wallClockAtLastAdvance = wallClock;
        }
    }

    /** Called by the wall-clock punctuator: moves the backstop forward when stream time has been idle long enough. */
    void onWallClockTick(long streamTime, long wallClock) {
        observe(streamTime, wallClock);
        if (idleAfterMs > 0 && streamTimeKnown() && wallClock - wallClockAtLastAdvance >= idleAfterMs) {
            backstopTime = Math.max(backstopTime, wallClock - idleAfterMs);
        }
    }

    /**
     * A task that has not seen a record has no stream time (-1). Its partitions may be about to deliver a
     * replay of old events, which a wall-clock expiry would ruin, so the backstop waits for the first record.
     */
    private boolean streamTimeKnown() {
        return lastStreamTime >= 0;
    }

    /** Entries due at or before this time have expired. */
    long now(long streamTime) {
        return Math.max(streamTime, backstopTime);
    }
}
