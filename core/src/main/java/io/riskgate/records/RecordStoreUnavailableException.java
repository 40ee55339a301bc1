package io.riskgate.records;

/**
 * The record store could not be used for a reason outside the input: it is busy (another process
 * holds it longer than the wait), unreachable, full, or its disk failed. Retrying later may succeed.
 */
public final class RecordStoreUnavailableException extends RecordStoreException {
    private static final long serialVersionUID = 1L;

    public RecordStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
