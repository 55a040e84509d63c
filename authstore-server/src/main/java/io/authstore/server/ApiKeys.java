package io.authstore.server;

import io.authstore.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys the server accepts, each with a name (for logs and metrics) and scopes. Only the
 * SHA-256 of each secret is kept. Lookup compares the presented key's digest with every configured
 * digest in constant time and without stopping early, so timing tells nothing about which key, or
 * how much of one, matched.
 *
 * <p>Configuration format: entries separated by {@code ;} or new lines, each {@code
 * <name>:<secret>=<scope>[,<scope>...]}; blank entries are ignored. A {@code #} at the start of a
 * line, or of an entry, comments out the rest of that line, every entry on it included. Names are
 * 1–64 characters of {@code [A-Za-z0-9_.-]}; secrets 32–256 characters of {@code
 * [A-Za-z0-9_.~+/-]}. Example: {@code checkout:Zk3...=tickets:issue,tickets:consume}.
 *
 * <p>Thread-safe and immutable.
 */
public final class ApiKeys {
  /** Shortest secret accepted: 32 characters. */
  public static final int MIN_SECRET_LENGTH = 32;

  /** Longest secret accepted (and longest presented key compared): 256 characters. */
  public static final int MAX_SECRET_LENGTH = 256;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_.~+/-]{32,256}");

  /** A configured key: its name and scopes. */
  public record Key(String name, Set<Scope> scopes) {
    public Key {
      Objects.requireNonNull(name, "name");
      scopes = Set.copyOf(scopes);
    }

    /** Whether this key may act with the given scope ({@code admin} may do anything). */
    public boolean allows(Scope scope) {
      return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }
  }

  private record Entry(Key key, byte[] digest) {}

  private final List<Entry> entries;

  private ApiKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses keys from configuration text.
   *
   * @param text the entries; see the class description
   * @param source where the text came from, for error messages (e.g. {@code AUTHSTORE_API_KEYS})
   * @throws IllegalArgumentException naming the source and the entry's position (never the secret)
   *     if an entry is malformed, a scope unknown, or a name or secret repeated
   */
  public static ApiKeys parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    int position = 0;
    // Comments are cut per line before the line is split into entries: a commented-out line that
    // holds several entries stays out whole, not only up to its first ';'.
    for (String line : text.split("[\\n\\r]+")) {
      for (String raw : line.split(";")) {
        String part = raw.strip();
        if (part.startsWith("#")) {
          break;
        }
        if (part.isEmpty()) {
          continue;
        }
        position++;
        entries.add(parseEntry(part, source + " entry " + position, entries));
      }
    }
    return new ApiKeys(entries);
  }

  private static Entry parseEntry(String part, String where, List<Entry> previous) {
    int colon = part.indexOf(':');
    int equals = part.indexOf('=', Math.max(colon, 0));
    if (colon <= 0 || equals < 0) {
      throw new IllegalArgumentException(where + ": expected <name>:<secret>=<scope>[,<scope>...]");
    }
    String name = part.substring(0, colon);
    String secret = part.substring(colon + 1, equals);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          where + ": key name must be 1-64 characters of [A-Za-z0-9_.-]");
    }
    String named = where + " (" + shown(name) + ")";
    if (!SECRET.matcher(secret).matches()) {
      throw new IllegalArgumentException(
          named
              + ": secret must be 32-256 characters of [A-Za-z0-9_.~+/-] (length "
              + secret.length()
              + "); an entry is <name>:<secret>=<scope>[,<scope>...]");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : part.substring(equals + 1).split(",")) {
      if (!s.isBlank()) {
        try {
          scopes.add(Scope.parse(s));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(named + ": " + e.getMessage(), e);
        }
      }
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException(named + ": no scope given");
    }
    byte[] digest = sha256(secret);
    for (Entry e : previous) {
      if (e.key.name().equals(name)) {
        throw new IllegalArgumentException(named + ": key name repeated");
      }
      if (MessageDigest.isEqual(e.digest, digest)) {
        throw new IllegalArgumentException(named + ": same secret as " + shown(e.key.name()));
      }
    }
    return new Entry(new Key(name, scopes), digest);
  }

  /**
   * A key name for an error message, quoted; but not one as long as a secret: an entry written
   * {@code <secret>:<name>=...} puts the secret where the name goes, and the message must not carry
   * it to standard error or a log.
   */
  private static String shown(String name) {
    return name.length() < MIN_SECRET_LENGTH
        ? "'" + name + "'"
        : "name of " + name.length() + " characters, not shown: as long as a secret";
  }

  /** A set holding one key. */
  public static ApiKeys of(String name, String secret, Set<Scope> scopes) {
    StringBuilder text = new StringBuilder(name).append(':').append(secret).append('=');
    for (Scope s : scopes) {
      text.append(s.wireName()).append(',');
    }
    return parse(text.toString(), "key " + shown(name));
  }

  /** A fresh random secret: 32 bytes from {@link SecureRandom}, base64url (43 characters). */
  public static String generateSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether no key is configured. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** How many keys are configured. */
  public int size() {
    return entries.size();
  }

  /**
   * Finds the key a request presented.
   *
   * @param presented the presented secret, or null
   * @return the matching key, or null if none matches
   */
  public Key find(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > MAX_SECRET_LENGTH) {
      return null;
    }
    byte[] digest = sha256(presented);
    Key found = null;
    for (Entry e : entries) {
      // No early exit: every digest is compared whatever matched.
      if (MessageDigest.isEqual(e.digest, digest)) {
        found = e.key;
      }
    }
    return found;
  }

  private static byte[] sha256(String secret) {
    return Sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    List<String> names = entries.stream().map(e -> e.key.name()).toList();
    return "ApiKeys" + names;
  }
}
