package io.riskgate.git;

import io.riskgate.RiskGateException;

/** A git repository or ref that cannot be used, with a message that says what to do about it. */
public class GitException extends RiskGateException {
    private static final long serialVersionUID = 1L;

    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
