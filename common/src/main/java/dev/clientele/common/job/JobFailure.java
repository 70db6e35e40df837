package dev.clientele.common.job;

/**
 * A run that cannot complete for a reason the operator must act on (reject rate over its ceiling, a
 * failed quality gate, missing input). Its message is printed as is; the process exits 1.
 */
public final class JobFailure extends RuntimeException {
  public JobFailure(String message) {
    super(message);
  }

  public JobFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
