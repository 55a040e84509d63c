package io.authstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TicketCodecTest {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** The base64url characters whose two low bits are zero: the only possible last characters. */
  private static final String LAST_CHARACTERS = "AEIMQUYcgkosw048";

  private static final String SHA256_OF_ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  private final TicketCodec codec = TicketCodec.create();

  @Test
  void newTicket_is43Base64UrlCharactersEncoding32Bytes() {
    String ticket = codec.newTicket();

    assertThat(ticket).hasSize(TicketCodec.TICKET_LENGTH).matches("[A-Za-z0-9_-]{43}");
    byte[] bytes = Base64.getUrlDecoder().decode(ticket);
    assertThat(bytes).hasSize(TicketCodec.TICKET_BYTES);
    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).isEqualTo(ticket);
  }

  @Test
  void newTicket_isWellFormed_andEndsInAPossibleLastCharacter() {
    Set<Character> lastCharacters = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      String ticket = codec.newTicket();
      assertThat(TicketCodec.isWellFormed(ticket)).as(ticket).isTrue();
      lastCharacters.add(ticket.charAt(42));
    }

    Set<Character> possible = new HashSet<>();
    for (char c : LAST_CHARACTERS.toCharArray()) {
      possible.add(c);
    }
    // 2,000 draws miss one of 16 equally likely characters with a chance of about 1e-55.
    assertThat(lastCharacters).isEqualTo(possible);
  }

  @Test
  void newTicket_differsEveryTime() {
    Set<String> tickets = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      tickets.add(codec.newTicket());
    }

    assertThat(tickets).hasSize(5_000);
  }

  @Test
  void isWellFormed_wrongLength_isFalse() {
    String ticket = codec.newTicket();

    assertThat(TicketCodec.isWellFormed("")).isFalse();
    assertThat(TicketCodec.isWellFormed(ticket.substring(0, 42))).isFalse();
    assertThat(TicketCodec.isWellFormed(ticket + "A")).isFalse();
    assertThat(TicketCodec.isWellFormed(ticket + ticket)).isFalse();
  }

  @Test
  void isWellFormed_characterOutsideBase64Url_isFalse() {
    String ticket = codec.newTicket();

    for (char c : "+/= .~!*\u0000\u00e9\uff21\u0660".toCharArray()) {
      for (int position : new int[] {0, 20, 41}) {
        String candidate = ticket.substring(0, position) + c + ticket.substring(position + 1);
        assertThat(TicketCodec.isWellFormed(candidate)).as("'%s' at %d", c, position).isFalse();
      }
    }
  }

  @Test
  void isWellFormed_everyBase64UrlCharacter_isAcceptedInsideTheTicket() {
    for (char c : ALPHABET.toCharArray()) {
      assertThat(TicketCodec.isWellFormed(String.valueOf(c).repeat(42) + "A")).as("%s", c).isTrue();
    }
  }

  @Test
  void isWellFormed_lastCharacter_mustLeaveTheTwoUnusedBitsZero() {
    Base64.Decoder decoder = Base64.getUrlDecoder();
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String prefix = codec.newTicket().substring(0, 42);

    for (char last : ALPHABET.toCharArray()) {
      String candidate = prefix + last;
      boolean canonical = encoder.encodeToString(decoder.decode(candidate)).equals(candidate);

      assertThat(TicketCodec.isWellFormed(candidate))
          .as("last character '%s'", last)
          .isEqualTo(LAST_CHARACTERS.indexOf(last) >= 0)
          .isEqualTo(canonical);
    }
  }

  @Test
  void digest_isTheSha256OfTheAsciiBytes() throws Exception {
    String ticket = codec.newTicket();
    byte[] expected =
        MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.US_ASCII));

    assertThat(TicketCodec.digest(ticket)).hasSize(32).isEqualTo(expected);
    assertThat(HexFormat.of().formatHex(TicketCodec.digest("abc"))).isEqualTo(SHA256_OF_ABC);
  }

  @Test
  void digest_onManyThreadsAtOnce_isAlwaysCorrect() throws Exception {
    List<String> tickets = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 500; i++) {
      String ticket = codec.newTicket();
      tickets.add(ticket);
      expected.add(sha256.digest(ticket.getBytes(StandardCharsets.US_ASCII)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        wrong.add(
            pool.submit(
                () -> {
                  int errors = 0;
                  for (int round = 0; round < 10; round++) {
                    for (int i = 0; i < tickets.size(); i++) {
                      if (!MessageDigest.isEqual(
                          TicketCodec.digest(tickets.get(i)), expected.get(i))) {
                        errors++;
                      }
                    }
                  }
                  return errors;
                }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get(5, TimeUnit.MINUTES)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void hexPrefix_isTheFirstLowercaseHexCharactersOfTheDigest() {
    byte[] digest = TicketCodec.digest("abc");

    assertThat(TicketCodec.hexPrefix(digest, 0)).isEmpty();
    assertThat(TicketCodec.hexPrefix(digest, 1)).isEqualTo("b");
    assertThat(TicketCodec.hexPrefix(digest, 2)).isEqualTo("ba");
    assertThat(TicketCodec.hexPrefix(digest, 12)).isEqualTo("ba7816bf8f01");
    assertThat(TicketCodec.hexPrefix(digest, 13)).isEqualTo("ba7816bf8f01c");
    assertThat(TicketCodec.hexPrefix(digest, 64)).isEqualTo(SHA256_OF_ABC);
  }

  @Test
  void hexPrefix_ofHighBytes_hasNoSignExtension() {
    byte[] digest = new byte[32];
    digest[0] = (byte) 0xFF;
    digest[1] = (byte) 0x80;
    digest[2] = (byte) 0x0F;

    assertThat(TicketCodec.hexPrefix(digest, 6)).isEqualTo("ff800f");
  }
}
