package dev.clientele.ingest;

import dev.clientele.common.config.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before Spark starts: a required source whose local path is missing or holds no file exits 2
 * naming the path and the key, in a second rather than after Spark started. Globs and remote paths
 * (s3a://, hdfs://) are listed by the run itself, which fails with the same message.
 */
public final class InputPaths {
  private InputPaths() {}

  public static void checkRequired(IngestConfig config) {
    for (Map.Entry<SourceKind, SourceConfig> e : config.sources().entrySet()) {
      SourceConfig src = e.getValue();
      if (src.required() && isPlainLocal(src.path()) && !hasFiles(local(src.path()))) {
        String name = e.getKey().sourceName;
        throw new ConfigError(
            "clientele.ingest.sources." + name + ".path",
            null,
            "no "
                + name
                + " files at "
                + local(src.path()).toAbsolutePath()
                + (Files.exists(local(src.path())) ? "" : " (no such file or folder)")
                + ". Point it at the folder of the "
                + name
                + " files, or pass --input "
                + name
                + "=PATH.");
      }
    }
  }

  private static boolean isPlainLocal(String path) {
    boolean remote = path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !path.startsWith("file:");
    return !remote && !path.matches(".*[*?\\[{].*");
  }

  private static Path local(String path) {
    return Path.of(path.replaceFirst("^file:(//)?", ""));
  }

  // The files ingest would list: the path itself, or a folder's visible files.
  private static boolean hasFiles(Path path) {
    if (Files.isRegularFile(path)) return true;
    if (!Files.isDirectory(path)) return false;
    try (Stream<Path> children = Files.list(path)) {
      return children.anyMatch(
          p -> Files.isRegularFile(p) && !p.getFileName().toString().matches("[._].*"));
    } catch (IOException e) {
      return true; // unreadable here: let the run report what Spark finds
    }
  }
}
