package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordStoresTest {
    @Test
    void theWaitForABusyStoreIsSecondsFromZeroToADayOrTheDefault() {
        assertThat(RecordStores.waitOf(null, "W")).isEqualTo(JdbcChangeRecordStore.DEFAULT_WAIT).isEqualTo(Duration.ofSeconds(30));
        assertThat(RecordStores.waitOf("  ", "W")).isEqualTo(Duration.ofSeconds(30));
        assertThat(RecordStores.waitOf(" 2 ", "W")).isEqualTo(Duration.ofSeconds(2));
        assertThat(RecordStores.waitOf("0", "W")).isEqualTo(Duration.ZERO);
        assertThat(RecordStores.waitOf("86400", "W")).isEqualTo(Duration.ofDays(1));
        for (String bad : new String[] {"-1", "86401", "2.5", "soon"}) {
            assertThatThrownBy(() -> RecordStores.waitOf(bad, "the.setting")).as(bad).isInstanceOf(RecordStoreException.class)
                    .hasMessage("the.setting must be a number of seconds from 0 to 86400 (got '" + bad + "')");
        }
    }
}
