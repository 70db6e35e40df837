package dev.clientele.publish;

/**
 * Fault injection for crash tests: with the system property {@value #PROPERTY} set to the name of a
 * gold table, {@code comments} or {@code published}, publish throws right after that commit, as if
 * the process died there. Unset (always, outside tests) it does nothing. See docs/operations.md.
 */
final class PublishCrash {
  static final String PROPERTY = "clientele.test.publish-crash-after";

  private PublishCrash() {}

  /** Throws when {@value #PROPERTY} names {@code commit}. */
  static void after(String commit) {
    if (commit.equals(System.getProperty(PROPERTY))) {
      throw new IllegalStateException(
          "simulated crash after the " + commit + " commit (" + PROPERTY + ")");
    }
  }
}
