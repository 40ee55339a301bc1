package io.riskgate;

/**
 * A file or stream could not be written although the input was fine: the disk is full, the device
 * failed, the reader of a pipe went away. Retrying later may succeed; nothing was half-written.
 */
public class DiskException extends RiskGateException {
    private static final long serialVersionUID = 1L;

    public DiskException(String message, Throwable cause) {
        super(message, cause);
    }

    public DiskException(String message) {
        super(message);
    }
}
