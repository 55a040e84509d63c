package io.authstore.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes tickets and the SHA-256 digests that stores keep in their place.
 *
 * <p>A ticket is {@value #TICKET_BYTES} bytes from {@link SecureRandom}, base64url without padding:
 * {@value #TICKET_LENGTH} characters. Stores never keep a ticket, only {@link #digest(String)}, so
 * a dump of a store yields nothing that can be presented. Thread-safe.
 */
public final class TicketCodec {
  /** Random bytes in a ticket: 256 bits. */
  public static final int TICKET_BYTES = 32;

  /** Characters in a ticket: base64url of {@value #TICKET_BYTES} bytes, no padding. */
  public static final int TICKET_LENGTH = 43;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SecureRandom random;

  private TicketCodec(SecureRandom random) {
    this.random = random;
  }

  /**
   * @return a codec drawing from a new {@link SecureRandom} of the platform's default algorithm
   */
  public static TicketCodec create() {
    return new TicketCodec(new SecureRandom());
  }

  /**
   * @return a new ticket: {@value #TICKET_LENGTH} base64url characters
   */
  public String newTicket() {
    byte[] bytes = new byte[TICKET_BYTES];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  /**
   * Tells whether {@code candidate} has the shape of a ticket. Anything else cannot be a ticket
   * this codec made, so a store answers "unknown" without a lookup.
   *
   * @param candidate any string, not null
   * @return true if it is {@value #TICKET_LENGTH} base64url characters
   */
  public static boolean isWellFormed(String candidate) {
    if (candidate.length() != TICKET_LENGTH) {
      return false;
    }
    for (int i = 0; i < TICKET_LENGTH; i++) {
      char c = candidate.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    // 43 characters carry 258 bits; the last character may only use the top 4 of its 6 bits, so
    // exactly one spelling decodes to each 32-byte value.
    return (decodeChar(candidate.charAt(TICKET_LENGTH - 1)) & 0b11) == 0;
  }

  private static int decodeChar(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  /**
   * @param ticket a well-formed ticket (see {@link #isWellFormed(String)})
   * @return the SHA-256 of the ticket's ASCII bytes: 32 bytes
   */
  public static byte[] digest(String ticket) {
    return Sha256.digest(ticket.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * @param digest a digest from {@link #digest(String)}
   * @param chars how many hex characters to return, at most 64
   * @return the first {@code chars} lowercase hex characters of the digest, for log correlation
   */
  public static String hexPrefix(byte[] digest, int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; sb.length() < chars; i++) {
      sb.append(HEX[(digest[i] >> 4) & 0xF]);
      if (sb.length() < chars) {
        sb.append(HEX[digest[i] & 0xF]);
      }
    }
    return sb.toString();
  }
}
