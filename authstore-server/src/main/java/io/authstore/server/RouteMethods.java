package io.authstore.server;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The methods each route template has, for the {@code Allow} header of a 405 (RFC 9110 §15.5.6).
 * Javalin names them only in the 405 it raises itself, and not when {@link Guard} refuses a HEAD
 * that Javalin would answer for a GET route without one: so the server matches the request path
 * against the templates here. Templates are literal segments and {@code {name}} segments, each of
 * which matches any one segment, as in Javalin.
 *
 * <p>Thread-safe; routes are added at start, read per refused request.
 */
final class RouteMethods {
  private record Route(String method, String[] segments) {}

  private final List<Route> routes = new CopyOnWriteArrayList<>();

  void add(String method, String template) {
    routes.add(new Route(method, segments(template)));
  }

  /** The methods of every template that matches {@code path}, sorted, comma-separated. */
  String allowed(String path) {
    String[] concrete = segments(path);
    Set<String> methods = new TreeSet<>();
    for (Route route : routes) {
      if (matches(route.segments(), concrete)) {
        methods.add(route.method());
      }
    }
    return String.join(", ", methods);
  }

  private static boolean matches(String[] template, String[] path) {
    if (template.length != path.length) {
      return false;
    }
    for (int i = 0; i < template.length; i++) {
      String t = template[i];
      boolean parameter = t.startsWith("{") && t.endsWith("}");
      if (parameter ? path[i].isEmpty() : !t.equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  private static String[] segments(String path) {
    return path.split("/", -1);
  }
}
