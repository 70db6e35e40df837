package dev.clientele.export;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Query results as {@code a|b|c} lines, in the result's order, for exact assertions. */
final class JdbcRows {
  private JdbcRows() {}

  static List<String> of(ResultSet r) throws SQLException {
    List<String> rows = new ArrayList<>();
    int n = r.getMetaData().getColumnCount();
    while (r.next()) {
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= n; i++) cells.add(String.valueOf(r.getObject(i)));
      rows.add(String.join("|", cells));
    }
    return rows;
  }
}
