package dev.clientele.cli;

/** Test access to package-private parts of {@link IngestCommand}. */
public final class IngestCommandAccess {
  private IngestCommandAccess() {}

  public static String pathOverride(String input) {
    return IngestCommand.pathOverride(input);
  }
}
