package io.jenkins.plugins.riskgate;

import io.riskgate.RiskGateException;
import io.riskgate.learning.StoreModels;
import io.riskgate.policy.LearningPolicy;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The models learned from the controller's record store, shared by the steps and the dashboard:
 * fitted again when the records change, at most every 15 minutes.
 */
final class RiskModels {
    private static final Logger LOGGER = Logger.getLogger(RiskModels.class.getName());
    static final StoreModels MODELS = new StoreModels(Clock.systemUTC(), Duration.ofMinutes(15), "the controller's record store");

    private RiskModels() {
    }

    /** The model for an assessment under the global policy's learning settings; a store that cannot be read means the default score. */
    static StoreModels.Choice choose(LearningPolicy learning) {
        try {
            return MODELS.choose(ChangeRecords::openStore, learning);
        } catch (RiskGateException e) {
            LOGGER.log(Level.WARNING, "cannot read the record store to learn a risk model", e);
            return new StoreModels.Choice(null, "the record store could not be read (" + e.getMessage() + ")", 0, 0);
        }
    }

    static StoreModels.StoreBacktest backtest(ChangeRecordStore store, RecordQuery query) {
        return MODELS.backtest(store, query);
    }
}
