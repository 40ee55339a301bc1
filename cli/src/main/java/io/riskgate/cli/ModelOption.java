package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.learning.LearnedModel;
import io.riskgate.learning.LearnedScorer;
import io.riskgate.learning.StoreModels;
import io.riskgate.policy.LearningPolicy;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.records.RecordStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** {@code assess --model auto|default|FILE}: the learned model to score with, or none (the default score). */
final class ModelOption {
    /**
     * @param model the learned model, or null for the default score
     * @param note why: what the model learned from, or why the default; null when nothing was asked of a store
     */
    record Chosen(LearnedModel model, String note) {
    }

    private ModelOption() {
    }

    static Chosen choose(String option, String storeSpec, RiskPolicy policy) {
        if (option.equals("default")) {
            return new Chosen(null, null);
        }
        if (!option.equals("auto")) {
            return fromFile(Path.of(option));
        }
        LearningPolicy learning = policy.learningOrDefaults();
        boolean noStore = (storeSpec == null || storeSpec.isBlank()) && !Files.isDirectory(RecordStores.defaultDirectory());
        if (noStore && learning.model() == LearningPolicy.Model.AUTO) {
            return new Chosen(null, null);
        }
        StoreModels.Choice choice = new StoreModels(Clock.systemUTC(), Duration.ZERO).choose(() -> storeSpec == null || storeSpec.isBlank()
                ? RecordStores.open(storeSpec) : RecordStores.openExisting(storeSpec), learning);
        return new Chosen(choice.model(), choice.reason());
    }

    private static Chosen fromFile(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RiskGateException("--model " + file + " does not exist: use auto, default, or a file written by"
                    + " 'riskgate backtest --save-model'");
        } catch (IOException e) {
            throw new RiskGateException("cannot read --model " + file + " (" + e.getMessage() + ")");
        }
        LearnedModel model = LearnedModel.fromJson(json, file.toString());
        LearnedScorer.checkScoresChanges(model, file.toString());
        return new Chosen(model, "read from " + file + ": learned from " + model.samples() + " changes, " + model.positives() + " of them failed");
    }
}
