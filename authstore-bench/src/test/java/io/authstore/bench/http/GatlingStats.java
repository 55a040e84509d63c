package io.authstore.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the statistics table of a Gatling report as tab-separated values: one row per request name
 * (and one for all requests), with Gatling's own counts and response-time percentiles. Gatling 3.15
 * no longer writes {@code js/stats.json}; the table in {@code index.html} is the same data.
 *
 * <p>Needs only the JDK; run it as a source file from the repository root:
 *
 * <pre>
 * java authstore-bench/src/test/java/io/authstore/bench/http/GatlingStats.java \
 *     authstore-bench/target/gatling/maxratesimulation-&lt;time&gt; &gt; stats.json
 * </pre>
 */
public final class GatlingStats {
  private static final String[] COLUMNS = {
    "request",
    "total",
    "ok",
    "ko",
    "ko_percent",
    "count_per_s_over_run",
    "min_ms",
    "p50_ms",
    "p75_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "mean_ms",
    "stddev_ms"
  };
  private static final Pattern ROW =
      Pattern.compile("<tr id=\"([^\"]+)\"(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("class=\"ellipsed-name\">([^<]*)</span>");
  private static final Pattern VALUE =
      Pattern.compile("<td class=\"value [a-z]+ col-(\\d+)\">([^<]*)</td>");

  private GatlingStats() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GatlingStats <gatling report directory>");
      System.exit(2);
    }
    String html = Files.readString(Path.of(args[0], "index.html"));
    List<String> objects = new ArrayList<>();
    Matcher row = ROW.matcher(html);
    while (row.find()) {
      Matcher name = NAME.matcher(row.group(2));
      if (!name.find()) {
        continue;
      }
      List<String> cells = new ArrayList<>(List.of(name.group(1)));
      Matcher value = VALUE.matcher(row.group(2));
      while (value.find()) {
        cells.add(value.group(2).trim());
      }
      if (cells.size() == COLUMNS.length) {
        StringBuilder object =
            new StringBuilder("  {\"request\": \"").append(cells.get(0)).append('"');
        for (int i = 1; i < COLUMNS.length; i++) {
          object.append(", \"").append(COLUMNS[i]).append("\": ").append(number(cells.get(i)));
        }
        objects.add(object.append('}').toString());
      }
    }
    System.out.println("[\n" + String.join(",\n", objects) + "\n]");
  }

  /** Gatling prints "-" where it has no value. */
  private static String number(String cell) {
    return cell.matches("-?[0-9]+(\\.[0-9]+)?") ? cell : "null";
  }
}
