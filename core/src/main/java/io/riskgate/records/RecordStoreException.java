package io.riskgate.records;

import io.riskgate.RiskGateException;

/** The record store cannot be opened or written, with what to do about it. */
public class RecordStoreException extends RiskGateException {
    private static final long serialVersionUID = 1L;

    public RecordStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public RecordStoreException(String message) {
        super(message);
    }
}
