package io.authstore.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.CapacityExceededException;
import io.authstore.CapacityExceededException.Scope;
import io.authstore.internal.TicketCodec;
import io.authstore.testkit.MutableClock;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.ConsumeResult.Outcome;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketInfo;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStats;
import io.authstore.ticket.TicketStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TicketStore} backend must have, as the interface's Javadoc states it.
 * A backend's test class extends this one and implements {@link #createStore}; every test here then
 * runs against that backend.
 *
 * <p>Time is the {@link MutableClock} in {@link #clock}, handed to the store through its options;
 * tests move it and never sleep. The stores a test creates are closed after it.
 */
public abstract class TicketStoreContract {
  private static final String BASE64URL_43 = "[A-Za-z0-9_-]{43}";

  /** The clock every store of a test reads; starts at 2030-01-01T00:00:00Z. */
  protected final MutableClock clock = MutableClock.create();

  private final List<TicketStore> stores = new ArrayList<>();

  /**
   * @param options the options to honour, with {@link #clock} as their clock
   * @return a new store that holds no ticket and whose counters are zero
   */
  protected abstract TicketStore createStore(TicketOptions options);

  /**
   * @return a builder of default options reading {@link #clock}
   */
  protected final TicketOptions.Builder options() {
    return TicketOptions.builder().clock(clock);
  }

  /**
   * @return a new store with default options reading {@link #clock}, closed after the test
   */
  protected final TicketStore newStore() {
    return newStore(options().build());
  }

  /**
   * @return a new store with these options, closed after the test
   */
  protected final TicketStore newStore(TicketOptions options) {
    TicketStore store = createStore(options);
    stores.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    for (TicketStore store : stores) {
      store.close();
    }
    stores.clear();
  }

  private Instant in(Duration duration) {
    return clock.instant().plus(duration);
  }

  private static Outcome outcome(TicketStore store, String ticket) {
    return store.consume(ticket).outcome();
  }

  // ---------------------------------------------------------------- issue

  @Test
  void issue_returnsA43CharacterBase64UrlTicket() {
    TicketStore store = newStore();

    IssuedTicket issued = store.issue("alice");

    assertThat(issued.ticket()).hasSize(TicketCodec.TICKET_LENGTH).matches(BASE64URL_43);
    assertThat(TicketCodec.isWellFormed(issued.ticket())).isTrue();
  }

  @Test
  void issue_withoutTtl_expiresAfterTheDefaultThirtyMinutes() {
    TicketStore store = newStore();

    IssuedTicket viaDefaultMethod = store.issue("alice");
    IssuedTicket viaNullTtl = store.issue("alice", Map.of(), null);

    assertThat(TicketOptions.DEFAULT_TTL).isEqualTo(Duration.ofMinutes(30));
    assertThat(viaDefaultMethod.expiresAt()).isEqualTo(in(Duration.ofMinutes(30)));
    assertThat(viaNullTtl.expiresAt()).isEqualTo(in(Duration.ofMinutes(30)));
  }

  @Test
  void issue_withTtl_expiresAfterThatTtl() {
    TicketStore store = newStore();

    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofMinutes(5));

    assertThat(issued.expiresAt()).isEqualTo(in(Duration.ofMinutes(5)));
  }

  @Test
  void issue_withoutTtl_usesTheConfiguredDefaultTtl() {
    TicketStore store = newStore(options().defaultTtl(Duration.ofMinutes(2)).build());

    IssuedTicket issued = store.issue("alice");

    assertThat(issued.expiresAt()).isEqualTo(in(Duration.ofMinutes(2)));
  }

  @Test
  void issue_tenThousandTimes_givesTenThousandDistinctTickets() {
    int count = 10_000;
    TicketStore store = newStore(options().maxActive(count).maxActivePerSubject(count).build());
    Set<String> tickets = new HashSet<>();

    for (int i = 0; i < count; i++) {
      tickets.add(store.issue("alice").ticket());
    }

    assertThat(tickets).hasSize(count);
    assertThat(store.stats().active()).isEqualTo(count);
  }

  @Test
  void issuedTicket_toString_doesNotRevealTheTicket() {
    TicketStore store = newStore();

    IssuedTicket issued = store.issue("alice");

    assertThat(issued.toString())
        .doesNotContain(issued.ticket())
        .doesNotContain(issued.ticket().substring(0, 8))
        .contains(issued.expiresAt().toString());
  }

  // ---------------------------------------------------------------- consume

  @Test
  void consume_firstTime_returnsTheSubjectAttributesAndTimes() {
    TicketStore store = newStore();
    Instant issuedAt = clock.instant();
    Map<String, String> attributes = Map.of("origin", "https://app.example", "role", "viewer");
    IssuedTicket issued = store.issue("alice", attributes, Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(1));

    ConsumeResult result = store.consume(issued.ticket());

    assertThat(result.outcome()).isEqualTo(Outcome.CONSUMED);
    assertThat(result.isConsumed()).isTrue();
    assertThat(result.ticket())
        .isEqualTo(new TicketInfo("alice", attributes, issuedAt, issuedAt.plusSeconds(300)));
    assertThat(result.ticket().expiresAt()).isEqualTo(issued.expiresAt());
  }

  @Test
  void consume_ticketWithoutAttributes_returnsNoAttributes() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice");

    ConsumeResult result = store.consume(issued.ticket());

    assertThat(result.ticket().attributes()).isEmpty();
  }

  @Test
  void consume_secondTime_isRejectedAsReused() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice");
    store.consume(issued.ticket());

    ConsumeResult second = store.consume(issued.ticket());
    ConsumeResult third = store.consume(issued.ticket());

    assertThat(second.outcome()).isEqualTo(Outcome.REUSED);
    assertThat(second.isConsumed()).isFalse();
    assertThat(third.outcome()).isEqualTo(Outcome.REUSED);
    assertThatIllegalStateException().isThrownBy(second::ticket);
    assertThat(store.stats().totalReuseAttempts()).isEqualTo(2);
  }

  @Test
  void consume_afterExpiry_isUnknownOrExpired() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofMinutes(5));

    clock.advance(Duration.ofMinutes(6));

    assertThat(outcome(store, issued.ticket())).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
  }

  @Test
  void consume_atExactlyExpiresAt_isUnknownOrExpired() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofMinutes(5));

    clock.set(issued.expiresAt());

    assertThat(outcome(store, issued.ticket())).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
  }

  @Test
  void consume_oneMillisecondBeforeExpiresAt_isConsumed() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofMinutes(5));

    clock.set(issued.expiresAt().minusMillis(1));

    assertThat(outcome(store, issued.ticket())).isEqualTo(Outcome.CONSUMED);
  }

  @Test
  void consume_usedTicket_isReusedUntilItsExpiry_thenUnknownOrExpired() {
    TicketStore store = newStore();
    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofMinutes(5));
    store.consume(issued.ticket());

    clock.set(issued.expiresAt().minusMillis(1));
    assertThat(outcome(store, issued.ticket())).isEqualTo(Outcome.REUSED);
    clock.set(issued.expiresAt());
    assertThat(outcome(store, issued.ticket())).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.stats().totalReuseAttempts()).isEqualTo(1);
  }

  @Test
  void consume_malformedStrings_areUnknownOrExpired() {
    TicketStore store = newStore();
    String ticket = store.issue("alice").ticket();
    List<String> malformed =
        List.of(
            "",
            "a",
            ticket.substring(0, 42),
            ticket + "A",
            " " + ticket.substring(1),
            ticket.substring(0, 42) + "=",
            ticket.substring(0, 10) + "+" + ticket.substring(11),
            ticket.substring(0, 10) + "/" + ticket.substring(11),
            ticket.substring(0, 10) + "é" + ticket.substring(11),
            ticket.substring(0, 10) + "\u0000" + ticket.substring(11),
            ticket.substring(0, 10) + "Ａ" + ticket.substring(11), // full-width A
            ticket.substring(0, 10) + "😀" + ticket.substring(12),
            ticket + "\n",
            "A".repeat(42) + "B", // last character uses bits a 32-byte value does not have
            ticket.repeat(100));

    for (String candidate : malformed) {
      assertThat(outcome(store, candidate))
          .as("consume(%s)", candidate)
          .isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    }
    assertThat(outcome(store, ticket)).isEqualTo(Outcome.CONSUMED);
    assertThat(store.stats().totalReuseAttempts()).isZero();
  }

  @Test
  void consume_ticketWithOneCharacterChanged_isUnknownOrExpired_andLeavesTheRealTicketValid() {
    TicketStore store = newStore();
    String ticket = store.issue("alice").ticket();
    List<String> altered = new ArrayList<>();
    for (int position : new int[] {0, 1, 21, 41}) {
      altered.add(replaceAt(ticket, position, ticket.charAt(position) == 'A' ? 'B' : 'A'));
      altered.add(replaceAt(ticket, position, ticket.charAt(position) == '-' ? '_' : '-'));
    }
    // The last character carries 4 bits: 'A' and 'E' differ in them and both are well-formed.
    altered.add(replaceAt(ticket, 42, ticket.charAt(42) == 'A' ? 'E' : 'A'));
    altered.add(replaceAt(ticket, 42, 'B'));

    for (String candidate : altered) {
      assertThat(candidate).isNotEqualTo(ticket);
      assertThat(outcome(store, candidate))
          .as("consume(%s)", candidate)
          .isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    }
    assertThat(outcome(store, ticket)).isEqualTo(Outcome.CONSUMED);
  }

  @Test
  void consume_wellFormedTicketThisStoreNeverIssued_isUnknownOrExpired() {
    TicketStore store = newStore();
    store.issue("alice");

    assertThat(outcome(store, TicketCodec.create().newTicket()))
        .isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.stats().active()).isEqualTo(1);
  }

  @Test
  void consume_null_isRejectedWithNpe() {
    TicketStore store = newStore();

    assertThatNullPointerException()
        .isThrownBy(() -> store.consume(null))
        .withMessageContaining("ticket");
  }

  @Test
  void consume_returnsAttributesThatCannotBeModified_andIssueKeepsItsOwnCopy() {
    TicketStore store = newStore();
    Map<String, String> attributes = new HashMap<>(Map.of("role", "viewer"));
    IssuedTicket issued = store.issue("alice", attributes, null);
    attributes.put("role", "admin");
    attributes.put("extra", "x");

    TicketInfo info = store.consume(issued.ticket()).ticket();

    assertThat(info.attributes()).containsExactly(Map.entry("role", "viewer"));
    assertThatThrownBy(() -> info.attributes().put("role", "admin"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void issueAndConsume_unicodeSubjectAndAttributes_roundTrip() {
    TicketStore store = newStore();
    Map<String, String> attributes =
        Map.of(
            "名前", "山田太郎",
            "emoji-😀", "🔐🗝️",
            "combining", "cafe\u0301",
            "precomposed", "caf\u00e9");

    IssuedTicket issued = store.issue("用户-😀-e\u0301", attributes, null);
    TicketInfo info = store.consume(issued.ticket()).ticket();

    assertThat(info.subject()).isEqualTo("用户-😀-e\u0301");
    assertThat(info.attributes()).isEqualTo(attributes);
  }

  // ---------------------------------------------------------------- revokeSubject

  @Test
  void revokeSubject_countsTheActiveTicketsAndTheyBecomeUnknownOrExpired() {
    TicketStore store = newStore();
    String a = store.issue("alice").ticket();
    String b = store.issue("alice").ticket();
    String c = store.issue("alice").ticket();

    assertThat(store.revokeSubject("alice")).isEqualTo(3);

    assertThat(outcome(store, a)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(outcome(store, b)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(outcome(store, c)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.stats()).isEqualTo(new TicketStats(0, 0, 3, 0, 0, 1000));
    assertThat(store.revokeSubject("alice")).isZero();
  }

  @Test
  void revokeSubject_doesNotCountOrForgetConsumedTickets() {
    TicketStore store = newStore();
    String used = store.issue("alice").ticket();
    String active = store.issue("alice").ticket();
    store.consume(used);

    assertThat(store.revokeSubject("alice")).isEqualTo(1);

    assertThat(outcome(store, active)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(outcome(store, used)).isEqualTo(Outcome.REUSED);
    TicketStats stats = store.stats();
    assertThat(stats.active()).isZero();
    assertThat(stats.used()).isEqualTo(1);
  }

  @Test
  void revokeSubject_leavesOtherSubjectsTicketsUntouched() {
    TicketStore store = newStore();
    store.issue("alice");
    String bobs = store.issue("bob").ticket();
    String similar = store.issue("alice2").ticket();

    assertThat(store.revokeSubject("alice")).isEqualTo(1);

    assertThat(outcome(store, bobs)).isEqualTo(Outcome.CONSUMED);
    assertThat(outcome(store, similar)).isEqualTo(Outcome.CONSUMED);
  }

  @Test
  void revokeSubject_withoutTickets_returnsZero() {
    TicketStore store = newStore();

    assertThat(store.revokeSubject("nobody")).isZero();
  }

  @Test
  void revokeSubject_doesNotCountExpiredTickets() {
    TicketStore store = newStore();
    store.issue("alice", Map.of(), Duration.ofMinutes(1));
    String live = store.issue("alice", Map.of(), Duration.ofMinutes(10)).ticket();
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.revokeSubject("alice")).isEqualTo(1);
    assertThat(outcome(store, live)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
  }

  @Test
  void revokeSubject_freesTheSubjectsCapacity() {
    TicketStore store = newStore(options().maxActive(3).maxActivePerSubject(2).build());
    store.issue("alice");
    store.issue("alice");
    store.issue("bob");

    store.revokeSubject("alice");

    store.issue("alice");
    store.issue("alice");
    assertThat(store.stats().active()).isEqualTo(3);
  }

  @Test
  void revokeSubject_invalidSubject_isRejectedNamingIt() {
    TicketStore store = newStore();
    String overMax = "s".repeat(TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH + 1);

    assertThatNullPointerException()
        .isThrownBy(() -> store.revokeSubject(null))
        .withMessageContaining("subject");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject(""))
        .withMessageContaining("subject");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject(overMax))
        .withMessageContaining("subject")
        .withMessageContaining(String.valueOf(TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH + 1));
  }

  // ---------------------------------------------------------------- stats and purge

  @Test
  void stats_ofANewStore_areZeroWithTheConfiguredCap() {
    TicketStore store = newStore(options().maxActive(7).build());

    assertThat(store.stats()).isEqualTo(new TicketStats(0, 0, 0, 0, 0, 7));
  }

  @Test
  void stats_areExactThroughIssueConsumeReuseAndExpiryOfActiveAndUsedTickets() {
    TicketStore store = newStore(options().maxActive(10).build());
    String a = store.issue("alice", Map.of(), Duration.ofMinutes(10)).ticket();
    String b = store.issue("bob", Map.of(), Duration.ofMinutes(10)).ticket();
    String c = store.issue("alice", Map.of(), Duration.ofMinutes(20)).ticket();
    String d = store.issue("carol", Map.of(), Duration.ofMinutes(20)).ticket();
    assertThat(store.stats()).isEqualTo(new TicketStats(4, 0, 4, 0, 0, 10));

    store.consume(a);
    assertThat(store.stats()).isEqualTo(new TicketStats(3, 1, 4, 1, 0, 10));

    store.consume(a);
    store.consume("not-a-ticket");
    assertThat(store.stats()).isEqualTo(new TicketStats(3, 1, 4, 1, 1, 10));

    store.consume(c);
    assertThat(store.stats()).isEqualTo(new TicketStats(2, 2, 4, 2, 1, 10));

    // a (used) and b (active) expire.
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.stats()).isEqualTo(new TicketStats(1, 1, 4, 2, 1, 10));
    assertThat(outcome(store, a)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(outcome(store, b)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.stats()).isEqualTo(new TicketStats(1, 1, 4, 2, 1, 10));

    store.consume(c);
    assertThat(store.stats()).isEqualTo(new TicketStats(1, 1, 4, 2, 2, 10));

    // c (used) and d (active) expire.
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.stats()).isEqualTo(new TicketStats(0, 0, 4, 2, 2, 10));
    assertThat(outcome(store, d)).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.stats()).isEqualTo(new TicketStats(0, 0, 4, 2, 2, 10));
  }

  @Test
  void purgeExpired_removesExpiredTicketsAndTombstones() {
    TicketStore store = newStore();
    String used = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    store.issue("alice", Map.of(), Duration.ofMinutes(1));
    store.issue("alice", Map.of(), Duration.ofMinutes(10));
    store.consume(used);

    clock.advance(Duration.ofMinutes(1));

    assertThat(store.purgeExpired()).isEqualTo(2);
    assertThat(store.stats()).isEqualTo(new TicketStats(1, 0, 3, 1, 0, 1000));
    assertThat(store.purgeExpired()).isZero();
  }

  // ---------------------------------------------------------------- caps

  @Test
  void issue_overTheGlobalCap_throwsGlobalCapacityExceeded_andStoresNothing() {
    TicketStore store = newStore(options().maxActive(3).build());
    store.issue("alice");
    store.issue("bob");
    store.issue("carol");

    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("dave"))
        .satisfies(
            e -> {
              assertThat(e.scope()).isEqualTo(Scope.GLOBAL);
              assertThat(e.limit()).isEqualTo(3);
              assertThat(e.getMessage()).contains("3");
            });
    assertThat(store.stats()).isEqualTo(new TicketStats(3, 0, 3, 0, 0, 3));
    assertThat(store.revokeSubject("dave")).isZero();
  }

  @Test
  void issue_atTheGlobalCap_succeedsAgainAfterAConsume() {
    TicketStore store = newStore(options().maxActive(2).build());
    String first = store.issue("alice").ticket();
    store.issue("bob");
    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("carol"));

    store.consume(first);

    IssuedTicket third = store.issue("carol");
    assertThat(outcome(store, third.ticket())).isEqualTo(Outcome.CONSUMED);
    assertThat(store.stats().active()).isEqualTo(1);
  }

  @Test
  void issue_atTheGlobalCap_succeedsAgainAfterAnExpiry() {
    TicketStore store = newStore(options().maxActive(2).build());
    store.issue("alice", Map.of(), Duration.ofMinutes(1));
    store.issue("bob", Map.of(), Duration.ofMinutes(10));
    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("carol"));

    clock.advance(Duration.ofMinutes(1));

    store.issue("carol");
    assertThat(store.stats().active()).isEqualTo(2);
    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("dave"));
  }

  @Test
  void issue_usedTombstones_doNotCountAgainstTheGlobalCap() {
    TicketStore store = newStore(options().maxActive(2).build());
    store.consume(store.issue("alice").ticket());
    store.consume(store.issue("bob").ticket());

    store.issue("carol");
    store.issue("dave");

    assertThat(store.stats()).isEqualTo(new TicketStats(2, 2, 4, 2, 0, 2));
    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("erin"));
  }

  @Test
  void issue_overThePerSubjectCap_throwsSubjectCapacityExceeded_andOtherSubjectsStillIssue() {
    TicketStore store = newStore(options().maxActivePerSubject(2).build());
    String first = store.issue("alice").ticket();
    store.issue("alice");

    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("alice"))
        .satisfies(
            e -> {
              assertThat(e.scope()).isEqualTo(Scope.SUBJECT);
              assertThat(e.limit()).isEqualTo(2);
            });
    store.issue("bob");
    store.issue("bob");
    assertThat(store.stats().active()).isEqualTo(4);

    store.consume(first);
    store.issue("alice");
    assertThat(store.stats().active()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- argument bounds

  @Test
  void issue_withTtlOfExactlyOneSecond_isAccepted() {
    TicketStore store = newStore();

    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofSeconds(1));

    assertThat(issued.expiresAt()).isEqualTo(in(Duration.ofSeconds(1)));
  }

  @Test
  void issue_withTtlOfExactlyTheMaxTtl_isAccepted_aMillisecondMoreIsRejected() {
    TicketStore store = newStore(options().maxTtl(Duration.ofHours(2)).build());

    IssuedTicket issued = store.issue("alice", Map.of(), Duration.ofHours(2));

    assertThat(issued.expiresAt()).isEqualTo(in(Duration.ofHours(2)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue("alice", Map.of(), Duration.ofHours(2).plusMillis(1)))
        .withMessageContaining("ttl")
        .withMessageContaining(Duration.ofHours(2).plusMillis(1).toString());
  }

  @Test
  void issue_withTtlOutOfBounds_isRejectedNamingTtl_andStoresNothing() {
    TicketStore store = newStore();
    List<Duration> bad =
        List.of(
            Duration.ofMillis(999),
            Duration.ZERO,
            Duration.ofSeconds(-1),
            Duration.ofMinutes(-30),
            TicketOptions.DEFAULT_MAX_TTL.plusSeconds(1),
            Duration.ofDays(365));

    for (Duration ttl : bad) {
      assertThatIllegalArgumentException()
          .as("ttl %s", ttl)
          .isThrownBy(() -> store.issue("alice", Map.of(), ttl))
          .withMessageContaining("ttl")
          .withMessageContaining(ttl.toString());
    }
    assertThat(store.stats().totalIssued()).isZero();
  }

  @Test
  void issue_withTheMaximumNumberOfAttributes_isAccepted_oneMoreIsRejectedNamingTheCount() {
    TicketStore store = newStore();
    Map<String, String> atMax = attributes(TicketOptions.DEFAULT_MAX_ATTRIBUTES);
    Map<String, String> overMax = attributes(TicketOptions.DEFAULT_MAX_ATTRIBUTES + 1);

    IssuedTicket issued = store.issue("alice", atMax, null);

    assertThat(store.consume(issued.ticket()).ticket().attributes()).isEqualTo(atMax);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue("alice", overMax, null))
        .withMessageContaining("attributes")
        .withMessageContaining(String.valueOf(TicketOptions.DEFAULT_MAX_ATTRIBUTES + 1));
    assertThat(store.stats().totalIssued()).isEqualTo(1);
  }

  @Test
  void issue_withAttributesOfExactlyTheMaximumBytes_isAccepted_oneMoreByteIsRejected() {
    TicketStore store = newStore();
    int max = TicketOptions.DEFAULT_MAX_ATTRIBUTE_BYTES;
    Map<String, String> atMax = Map.of("k", "v".repeat(max - 1));
    Map<String, String> overMax = Map.of("k", "v".repeat(max));

    IssuedTicket issued = store.issue("alice", atMax, null);

    assertThat(store.consume(issued.ticket()).ticket().attributes()).isEqualTo(atMax);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue("alice", overMax, null))
        .withMessageContaining("attributes")
        .withMessageContaining(String.valueOf(max + 1));
  }

  @Test
  void issue_attributeSize_isCountedInUtf8Bytes() {
    TicketStore store = newStore(options().maxAttributeBytes(10).build());
    // "名" is 3 bytes in UTF-8; "é" is 2; the name "k" is 1.
    Map<String, String> atMax = Map.of("k", "名名名");
    Map<String, String> alsoAtMax = Map.of("é", "名名é");
    Map<String, String> overMax = Map.of("kk", "名名名");

    store.issue("alice", atMax, null);
    store.issue("alice", alsoAtMax, null);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue("alice", overMax, null))
        .withMessageContaining("attributes")
        .withMessageContaining("11");
    assertThat(store.stats().totalIssued()).isEqualTo(2);
  }

  @Test
  void issue_withNullAttributes_orANullAttributeNameOrValue_isRejectedWithNpe() {
    TicketStore store = newStore();
    Map<String, String> nullName = new HashMap<>();
    nullName.put(null, "v");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("role", null);

    assertThatNullPointerException()
        .isThrownBy(() -> store.issue("alice", null, null))
        .withMessageContaining("attributes");
    assertThatNullPointerException()
        .isThrownBy(() -> store.issue("alice", nullName, null))
        .withMessageContaining("attribute");
    assertThatNullPointerException()
        .isThrownBy(() -> store.issue("alice", nullValue, null))
        .withMessageContaining("role");
    assertThat(store.stats().totalIssued()).isZero();
  }

  @Test
  void issue_withAnEmptyAttributeName_isRejected() {
    TicketStore store = newStore();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue("alice", Map.of("", "v"), null))
        .withMessageContaining("attribute");
  }

  @Test
  void issue_subjectOfExactlyTheMaximumLength_isAccepted_otherwiseRejectedNamingSubject() {
    TicketStore store = newStore();
    int max = TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH;
    String atMax = "名".repeat(max);

    IssuedTicket issued = store.issue(atMax);

    assertThat(store.consume(issued.ticket()).ticket().subject()).isEqualTo(atMax);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue(atMax + "s"))
        .withMessageContaining("subject")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.issue(""))
        .withMessageContaining("subject");
    assertThatNullPointerException()
        .isThrownBy(() -> store.issue(null, Map.of(), null))
        .withMessageContaining("subject");
    assertThat(store.stats().totalIssued()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- close

  @Test
  void close_thenEveryOperation_throwsIllegalStateException() {
    TicketStore store = newStore();
    String ticket = store.issue("alice").ticket();

    store.close();

    assertThatIllegalStateException().isThrownBy(() -> store.issue("alice"));
    assertThatIllegalStateException().isThrownBy(() -> store.consume(ticket));
    assertThatIllegalStateException().isThrownBy(() -> store.consume("malformed"));
    assertThatIllegalStateException().isThrownBy(() -> store.revokeSubject("alice"));
    assertThatIllegalStateException().isThrownBy(store::stats);
    assertThatIllegalStateException().isThrownBy(store::purgeExpired);
  }

  @Test
  void close_twice_isHarmless() {
    TicketStore store = newStore();

    store.close();
    store.close();

    assertThatIllegalStateException().isThrownBy(store::stats);
  }

  // ---------------------------------------------------------------- listener

  @Test
  void listener_isToldOfIssueConsumeReuseRejectionCapacityAndReclaim() {
    RecordingListener listener = new RecordingListener();
    TicketStore store = newStore(options().listener(listener).maxActive(2).build());
    String a = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    store.issue("bob", Map.of(), Duration.ofMinutes(1));
    assertThatExceptionOfType(CapacityExceededException.class)
        .isThrownBy(() -> store.issue("carol"));

    store.consume(a);
    store.consume(a);
    store.consume("malformed");
    store.consume(TicketCodec.create().newTicket());

    assertThat(listener.ticketIssued).hasValue(2);
    assertThat(listener.ticketConsumed).hasValue(1);
    assertThat(listener.ticketRejected).hasValue(2);
    assertThat(listener.capacityExceededCount(Scope.GLOBAL)).isEqualTo(1);
    assertThat(listener.ticketReusedPrefixes)
        .singleElement()
        .satisfies(
            prefix ->
                assertThat(prefix)
                    .isNotEmpty()
                    .matches("[0-9a-f]+")
                    .satisfies(p -> assertThat(sha256Hex(a)).startsWith(p)));

    clock.advance(Duration.ofMinutes(1));
    store.purgeExpired();
    assertThat(listener.reclaimed).hasValue(2);
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void consume_sameTenThousandTicketsFrom64Threads_eachIsConsumedOnce_everyOtherAttemptIsReused()
      throws InterruptedException {
    int tickets = 10_000;
    int threads = 64;
    TicketStore store = newStore(options().maxActive(tickets).maxActivePerSubject(tickets).build());
    String[] issued = new String[tickets];
    for (int i = 0; i < tickets; i++) {
      issued[i] = store.issue("subject-" + (i % 10)).ticket();
    }
    AtomicIntegerArray consumedBy = new AtomicIntegerArray(tickets);
    LongAdder consumed = new LongAdder();
    LongAdder reused = new LongAdder();
    LongAdder other = new LongAdder();
    LongAdder wrongSubject = new LongAdder();

    // Every thread walks the tickets in the same order, so each ticket is contended at once.
    Concurrently.run(
        threads,
        thread -> {
          for (int i = 0; i < tickets; i++) {
            ConsumeResult result = store.consume(issued[i]);
            switch (result.outcome()) {
              case CONSUMED -> {
                consumed.increment();
                consumedBy.incrementAndGet(i);
                if (!result.ticket().subject().equals("subject-" + (i % 10))) {
                  wrongSubject.increment();
                }
              }
              case REUSED -> reused.increment();
              default -> other.increment();
            }
          }
        });

    assertThat(consumed.sum()).isEqualTo(tickets);
    assertThat(reused.sum()).isEqualTo((long) tickets * (threads - 1));
    assertThat(other.sum()).isZero();
    assertThat(wrongSubject.sum()).isZero();
    for (int i = 0; i < tickets; i++) {
      assertThat(consumedBy.get(i)).as("consumes of ticket %d", i).isEqualTo(1);
    }
    assertThat(store.stats())
        .isEqualTo(
            new TicketStats(0, tickets, tickets, tickets, (long) tickets * (threads - 1), tickets));
  }

  @Test
  void issue_concurrentlyAgainstTheGlobalCap_exactlyTheCapSucceeds() throws InterruptedException {
    int cap = 100;
    int threads = 16;
    int attemptsPerThread = 25;
    TicketStore store = newStore(options().maxActive(cap).build());
    Set<String> tickets = ConcurrentHashMap.newKeySet();
    LongAdder refusedGlobal = new LongAdder();

    Concurrently.run(
        threads,
        thread -> {
          for (int i = 0; i < attemptsPerThread; i++) {
            try {
              tickets.add(store.issue("subject-" + thread).ticket());
            } catch (CapacityExceededException e) {
              if (e.scope() == Scope.GLOBAL) {
                refusedGlobal.increment();
              }
            }
          }
        });

    assertThat(tickets).hasSize(cap);
    assertThat(refusedGlobal.sum()).isEqualTo((long) threads * attemptsPerThread - cap);
    assertThat(store.stats()).isEqualTo(new TicketStats(cap, 0, cap, 0, 0, cap));
  }

  @Test
  void issue_concurrentlyAgainstThePerSubjectCap_exactlyTheCapSucceeds()
      throws InterruptedException {
    int cap = 10;
    int threads = 8;
    int attemptsPerThread = 5;
    TicketStore store = newStore(options().maxActivePerSubject(cap).build());
    Set<String> tickets = ConcurrentHashMap.newKeySet();
    LongAdder refusedSubject = new LongAdder();

    Concurrently.run(
        threads,
        thread -> {
          for (int i = 0; i < attemptsPerThread; i++) {
            try {
              tickets.add(store.issue("alice").ticket());
            } catch (CapacityExceededException e) {
              if (e.scope() == Scope.SUBJECT) {
                refusedSubject.increment();
              }
            }
          }
        });

    assertThat(tickets).hasSize(cap);
    assertThat(refusedSubject.sum()).isEqualTo((long) threads * attemptsPerThread - cap);
    assertThat(store.revokeSubject("alice")).isEqualTo(cap);
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> attributes(int count) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      attributes.put("a" + i, "v" + i);
    }
    return attributes;
  }

  private static String replaceAt(String s, int position, char c) {
    return s.substring(0, position) + c + s.substring(position + 1);
  }

  private static String sha256Hex(String ticket) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(ticket.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
