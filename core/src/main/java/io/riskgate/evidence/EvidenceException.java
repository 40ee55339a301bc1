package io.riskgate.evidence;

import io.riskgate.RiskGateException;

/** Test evidence that cannot be used: a missing, empty, broken or unsafe report. Names the file and the reason. */
public class EvidenceException extends RiskGateException {
    private static final long serialVersionUID = 1L;

    public EvidenceException(String message) {
        super(message);
    }

    public EvidenceException(String message, Throwable cause) {
        super(message, cause);
    }

    static EvidenceException in(String report, String reason) {
        return new EvidenceException("test report " + report + " " + reason);
    }
}
