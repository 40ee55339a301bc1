package io.riskgate.cli;

import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.JdbcChangeRecordStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code riskgate store}: maintenance of a record store. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Maintains a record store.",
        subcommands = {StoreCommand.Rebuild.class, StoreCommand.Compact.class, CommandLine.HelpCommand.class})
final class StoreCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Recomputes the store's aggregates (per pipeline, environment and day; restore times) from its records,",
                    "one pipeline and environment at a time while other processes go on writing. Reports use the aggregates;",
                    "writes keep them up to date, so this is needed only after the records were changed by other means."})
    static final class Rebuild implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            TerminalProgress progress = TerminalProgress.forStream(spec.commandLine().getErr());
            long started = System.nanoTime();
            try (ChangeRecordStore s = store.openExisting()) {
                if (!(s instanceof JdbcChangeRecordStore jdbc)) {
                    throw new io.riskgate.RiskGateException("the record store " + s.location() + " keeps no aggregates");
                }
                long total = jdbc.count(io.riskgate.records.RecordQuery.ALL);
                long[] last = {System.nanoTime()};
                long records = jdbc.rebuild(done -> {
                    if (progress != null && System.nanoTime() - last[0] > 200_000_000L) {
                        last[0] = System.nanoTime();
                        progress.show("rebuilt the aggregates of " + done + (total >= done ? " of about " + total : "") + " records");
                    }
                });
                if (progress != null) {
                    progress.clear();
                }
                out.println(String.format(Locale.ROOT, "rebuilt the aggregates of %d record%s in %s (%.1f s)", records,
                        records == 1 ? "" : "s", s.location(), (System.nanoTime() - started) / 1e9));
            }
            Output.check(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "compact", mixinStandardHelpOptions = true,
            description = {"Rewrites an embedded store's file without its free space. A store written in large transactions",
                    "(riskgate import, which compacts after large imports itself) can be ten times the size of its records;",
                    "reads of a compact file are faster. Needs the store to itself: no other process may have it open."})
    static final class Compact implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            TerminalProgress progress = TerminalProgress.forStream(spec.commandLine().getErr());
            if (store.store != null && store.store.startsWith("jdbc:")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "only an embedded record store (a directory) can be compacted, not "
                        + (store.store.startsWith("jdbc:postgresql:") ? "a PostgreSQL database (PostgreSQL reclaims space with VACUUM)" : "a JDBC URL"));
            }
            try (ChangeRecordStore s = store.openExisting()) {
                if (!(s instanceof JdbcChangeRecordStore jdbc)) {
                    throw new io.riskgate.RiskGateException("the record store " + s.location() + " cannot be compacted");
                }
                out.println(compact(jdbc, progress));
            }
            Output.check(out);
            return ExitCodes.OK;
        }
    }

    /** Compacts the store, showing that it does on the terminal; the line that says what it did. */
    static String compact(JdbcChangeRecordStore store, TerminalProgress progress) {
        if (progress != null) {
            progress.show("compacting the record store's file");
        }
        try {
            JdbcChangeRecordStore.Compaction c = store.compact();
            return String.format(Locale.ROOT, "compacted the record store's file in %s: %s -> %s (%.1f s)", store.location(),
                    size(c.bytesBefore()), size(c.bytesAfter()), c.took().toMillis() / 1000.0);
        } finally {
            if (progress != null) {
                progress.clear();
            }
        }
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        return bytes < 10L << 20 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0) : String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }
}
