package dev.clientele.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of local warehouses, so a test can start several runs from one expensive state. */
public final class Warehouses {
  private Warehouses() {}

  /**
   * Copies the directory tree {@code from} to {@code to} (which must not exist). A Delta table's
   * log holds paths relative to the table, so the copy is a working warehouse of its own.
   */
  public static Path copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(
          p -> {
            try {
              Files.copy(p, to.resolve(from.relativize(p).toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }
}
