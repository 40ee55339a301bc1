package io.riskgate.policy;

import io.riskgate.RiskGateException;

/** An invalid policy file: names the file, the field and the reason. */
public class PolicyException extends RiskGateException {
    private static final long serialVersionUID = 1L;

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }

    static PolicyException at(String source, String field, String reason) {
        return new PolicyException("invalid policy " + source + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
    }
}
