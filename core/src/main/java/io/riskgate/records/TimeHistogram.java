package io.riskgate.records;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Durations in milliseconds counted in fixed logarithmic buckets: bucket {@code k > 0} holds
 * [{@value #RATIO}^(k-1), {@value #RATIO}^k), bucket 0 holds 0 and negative durations mirror the
 * positive ones. A bucket is reported by the midpoint of its bounds, so any quantile read from the
 * histogram is within {@code (RATIO - 1) / 2} = 0.95% of the value it stands for (relative to that
 * value). Counts add and subtract, so a histogram can be kept up to date as records come and go, and
 * merged across days, pipelines and environments. Sparse: only the buckets in use are stored.
 */
final class TimeHistogram {
    /** The ratio of a bucket's upper to its lower bound. */
    static final double RATIO = 1.019;
    /** The largest relative error of a quantile read from a histogram. */
    static final double MAX_RELATIVE_ERROR = (RATIO - 1) / 2;
    private static final double LOG_RATIO = Math.log(RATIO);

    private int[] keys = new int[8];
    private long[] counts = new long[8];
    private int size;

    static int bucket(long millis) {
        if (millis == 0) {
            return 0;
        }
        long magnitude = millis == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(millis);
        int k = 1 + (int) Math.floor(Math.log((double) magnitude) / LOG_RATIO);
        return millis < 0 ? -k : k;
    }

    /** The value a bucket stands for: the midpoint of its bounds. */
    static double value(int bucket) {
        if (bucket == 0) {
            return 0;
        }
        int k = Math.abs(bucket);
        double mid = (Math.pow(RATIO, k - 1) + Math.pow(RATIO, k)) / 2;
        return bucket < 0 ? -mid : mid;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long total() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += counts[i];
        }
        return n;
    }

    void add(long millis, long count) {
        addBucket(bucket(millis), count);
    }

    void addBucket(int key, long count) {
        if (count == 0) {
            return;
        }
        int i = Arrays.binarySearch(keys, 0, size, key);
        if (i >= 0) {
            counts[i] += count;
            if (counts[i] == 0) {
                System.arraycopy(keys, i + 1, keys, i, size - i - 1);
                System.arraycopy(counts, i + 1, counts, i, size - i - 1);
                size--;
            }
            return;
        }
        int at = -i - 1;
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        System.arraycopy(keys, at, keys, at + 1, size - at);
        System.arraycopy(counts, at, counts, at + 1, size - at);
        keys[at] = key;
        counts[at] = count;
        size++;
    }

    /** Each bucket in use with its count, in ascending order of buckets. */
    void forEach(java.util.function.BiConsumer<Integer, Long> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keys[i], counts[i]);
        }
    }

    /** Adds {@code sign} times every count of {@code other}. */
    void merge(TimeHistogram other, int sign) {
        for (int i = 0; i < other.size; i++) {
            addBucket(other.keys[i], sign * other.counts[i]);
        }
    }

    /** Whether any count is negative (an aggregate that lost track: never true of a consistent store). */
    boolean hasNegative() {
        for (int i = 0; i < size; i++) {
            if (counts[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /** The value at 1-based rank {@code rank} in ascending order, as its bucket's midpoint; null when out of range. */
    Double atRank(long rank) {
        long seen = 0;
        for (int i = 0; i < size; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return value(keys[i]);
            }
        }
        return null;
    }

    /** The median (the mean of the two middle values of an even count), or null when empty. */
    Double median() {
        long n = total();
        if (n == 0) {
            return null;
        }
        if (n % 2 == 1) {
            return atRank(n / 2 + 1);
        }
        return (atRank(n / 2) + atRank(n / 2 + 1)) / 2;
    }

    /** The nearest-rank percentile: the ⌈percent/100 · n⌉-th smallest value; null when empty. */
    Double nearestRank(int percent) {
        long n = total();
        return n == 0 ? null : atRank(Math.max(1, (n * percent + 99) / 100));
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size * 3 + 2);
        varint(out, size);
        int previous = 0;
        for (int i = 0; i < size; i++) {
            varint(out, zigzag(keys[i] - previous));
            varint(out, zigzag(counts[i]));
            previous = keys[i];
        }
        return out.toByteArray();
    }

    static TimeHistogram decode(byte[] bytes) {
        TimeHistogram h = new TimeHistogram();
        if (bytes == null || bytes.length == 0) {
            return h;
        }
        int[] at = {0};
        int n = (int) readVarint(bytes, at);
        h.keys = new int[Math.max(8, n)];
        h.counts = new long[Math.max(8, n)];
        int key = 0;
        for (int i = 0; i < n; i++) {
            key += (int) unzigzag(readVarint(bytes, at));
            h.keys[i] = key;
            h.counts[i] = unzigzag(readVarint(bytes, at));
        }
        h.size = n;
        return h;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] b, int[] at) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte x = b[at[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeHistogram h && size == h.size && Arrays.equals(keys, 0, size, h.keys, 0, size)
                && Arrays.equals(counts, 0, size, h.counts, 0, size);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOf(keys, size)) * 31 + Arrays.hashCode(Arrays.copyOf(counts, size));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            s.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(counts[i]);
        }
        return s.append('}').toString();
    }
}
