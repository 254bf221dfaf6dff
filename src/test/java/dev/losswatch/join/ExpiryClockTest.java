package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The expiry clock")
class ExpiryClockTest {

    private static final long IDLE_AFTER = 600_000L;
    private static final long UNKNOWN_STREAM_TIME = -1L;
    private static final long WALL = 1_000_000_000L;

    @Test
    void isStreamTimeWhileStreamTimeAdvances() {
        ExpiryClock clock = new ExpiryClock(IDLE_AFTER, 100, WALL);
        for (long minute = 1; minute <= 30; minute++) {
            clock.onWallClockTick(100 + minute, WALL + minute * 60_000);
        }
        assertThat(clock.now(130)).isEqualTo(130);
    }

    @Test
    void movesToWallClockMinusTheIdleLagOnceStreamTimeStoodStillThatLong() {
        ExpiryClock clock = new ExpiryClock(IDLE_AFTER, 100, WALL);

        clock.onWallClockTick(100, WALL + IDLE_AFTER - 1);
        assertThat(clock.now(100)).isEqualTo(100);

        clock.onWallClockTick(100, WALL + IDLE_AFTER);
        assertThat(clock.now(100)).isEqualTo(WALL);
    }

    @Test
    void staysAheadWhenRecordsWithOlderTimesArriveAfterTheBackstopMoved() {
        ExpiryClock clock = new ExpiryClock(IDLE_AFTER, 100, WALL);
        clock.onWallClockTick(100, WALL + 2 * IDLE_AFTER);

        clock.observe(200, WALL + 2 * IDLE_AFTER + 1);

        assertThat(clock.now(200)).isEqualTo(WALL + IDLE_AFTER);
    }

    @Test
    void waitsForTheFirstRecordBeforeTheBackstopMayMove() {
        ExpiryClock clock = new ExpiryClock(IDLE_AFTER, UNKNOWN_STREAM_TIME, WALL);

        clock.onWallClockTick(UNKNOWN_STREAM_TIME, WALL + 100 * IDLE_AFTER);

        assertThat(clock.now(UNKNOWN_STREAM_TIME)).isEqualTo(UNKNOWN_STREAM_TIME);
    }

    @Test
    void withIdleAfterZeroIsStreamTimeAlone() {
        ExpiryClock clock = new ExpiryClock(0, 100, WALL);

        clock.onWallClockTick(100, WALL + 100 * IDLE_AFTER);

        assertThat(clock.now(100)).isEqualTo(100);
    }
}
