package io.riskgate;

/**
 * Bad input that the user can fix: a missing repository, an unknown ref, an invalid policy file.
 * The message is one line that names the input and says what to do.
 */
public class RiskGateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RiskGateException(String message) {
        super(message);
    }

    public RiskGateException(String message, Throwable cause) {
        super(message, cause);
    }
}
