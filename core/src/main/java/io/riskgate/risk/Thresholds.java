package io.riskgate.risk;

/** The lowest score of each level above LOW. */
public record Thresholds(int medium, int high, int critical) {
    public static final Thresholds DEFAULT = new Thresholds(25, 50, 75);

    public Thresholds {
        if (!(0 < medium && medium < high && high < critical && critical <= 100)) {
            throw new IllegalArgumentException("thresholds must rise: 0 < medium < high < critical <= 100 (got medium "
                    + medium + ", high " + high + ", critical " + critical + ")");
        }
    }

    public Level levelOf(int score) {
        if (score >= critical) {
            return Level.CRITICAL;
        }
        if (score >= high) {
            return Level.HIGH;
        }
        return score >= medium ? Level.MEDIUM : Level.LOW;
    }

    /** The lowest score of a level. */
    public int floorOf(Level level) {
        return switch (level) {
            case LOW -> 0;
            case MEDIUM -> medium;
            case HIGH -> high;
            case CRITICAL -> critical;
        };
    }
}
