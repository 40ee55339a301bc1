package io.riskgate.testing;

import io.riskgate.records.ChangeRecord;
import io.riskgate.records.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deployments with assessed metrics whose outcomes follow a known rule: the chance of failure is
 * {@code σ(-3.5 + 0.8 · ln(1 + linesAdded))}, so bigger changes fail more often and a model that
 * learns from them must find a positive effect of lines added. Seeded: the same arguments give the
 * same records.
 */
public final class TestRecords {
    private TestRecords() {
    }

    /**
     * @param count how many
     * @param from the finish time of the first; one deployment per {@code every} after it
     */
    public static List<ChangeRecord> sized(int count, String environment, Instant from, Duration every, long seed) {
        Random random = new Random(seed);
        List<ChangeRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int added = (int) Math.round(Math.expm1(random.nextDouble() * 8));   // 0 .. ~3000 lines, log-uniform
            int deleted = (int) Math.round(added * random.nextDouble() * 0.5);
            int files = 1 + (int) Math.round(Math.sqrt(added) * random.nextDouble());
            int directories = 1 + random.nextInt(Math.min(files, 6));
            double p = 1 / (1 + Math.exp(-(-3.5 + 0.8 * Math.log1p(added))));
            boolean failed = random.nextDouble() < p;
            Instant finished = from.plus(every.multipliedBy(i));
            records.add(new ChangeRecord(null, "shop", environment, String.format("%040x", seed * 1_000_000 + i), finished.minusSeconds(3600),
                    finished.minusSeconds(300), finished, failed ? Outcome.FAILED : Outcome.SUCCEEDED, null, null, null, null, null, null,
                    null, null, null, null, null, null,
                    new ChangeRecord.Metrics(added, deleted, files, directories, 1 + random.nextInt(Math.min(directories, 3)),
                            files == 1 ? 0.0 : random.nextDouble(), 1 + random.nextInt(4), 1 + random.nextInt(2))));
        }
        return records;
    }
}
