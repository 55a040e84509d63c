package io.authstore.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Invariants of every {@link TicketStore} backend, checked against a plain model for random
 * interleavings of issue, consume, subject revocation, purge and clock moves. A backend's test
 * class extends this one and implements {@link #createStore}. Each try creates its own store and
 * closes it.
 */
public abstract class TicketStoreProperties {
  private static final String[] SUBJECTS = {"alice", "bob", "用户-😀"};
  private static final int MAX_ACTIVE = 5;
  private static final int MAX_ACTIVE_PER_SUBJECT = 3;

  /**
   * @param options the options to honour; their clock is a {@link MutableClock}
   * @return a new store that holds no ticket and whose counters are zero
   */
  protected abstract TicketStore createStore(TicketOptions options);

  sealed interface Op permits Issue, Consume, ConsumeUnknown, RevokeSubject, Advance, Purge {}

  /** Issues a ticket for {@code SUBJECTS[subject]} with a TTL in whole seconds. */
  record Issue(int subject, int ttlSeconds) implements Op {}

  /** Presents the issued ticket number {@code pick % issued}, whatever its state. */
  record Consume(int pick) implements Op {}

  /** Presents a well-formed ticket the store never issued. */
  record ConsumeUnknown() implements Op {}

  /** Revokes every active ticket of {@code SUBJECTS[subject]}. */
  record RevokeSubject(int subject) implements Op {}

  /** Moves the clock forward. */
  record Advance(long millis) implements Op {}

  /** Reclaims expired tickets and tombstones. */
  record Purge() implements Op {}

  /** What the model knows of one issued ticket. */
  private static final class Issued {
    enum State {
      ACTIVE,
      USED,
      REVOKED
    }

    final String ticket;
    final int subject;
    final long issuedAt;
    final long expiresAt;
    final Map<String, String> attributes;
    State state = State.ACTIVE;

    Issued(String ticket, int subject, long issuedAt, long expiresAt, Map<String, String> attrs) {
      this.ticket = ticket;
      this.subject = subject;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.attributes = attrs;
    }

    boolean is(State s, long now) {
      return state == s && now < expiresAt;
    }
  }

  @Provide
  @SuppressWarnings("unchecked")
  Arbitrary<List<Op>> ticketRuns() {
    Arbitrary<Integer> subject = Arbitraries.integers().between(0, SUBJECTS.length - 1);
    Arbitrary<Op> issue =
        Combinators.combine(subject, Arbitraries.integers().between(1, 8)).as(Issue::new);
    Arbitrary<Op> consume = Arbitraries.integers().between(0, 1_000).map(Consume::new);
    Arbitrary<Op> advance =
        Arbitraries.oneOf(
                Arbitraries.longs().between(0, 5_000), Arbitraries.of(1_000L, 2_000L, 4_000L))
            .map(Advance::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, issue),
            Tuple.of(6, consume),
            Tuple.of(1, Arbitraries.just(new ConsumeUnknown())),
            Tuple.of(1, subject.map(RevokeSubject::new)),
            Tuple.of(3, advance),
            Tuple.of(1, Arbitraries.just(new Purge())))
        .list()
        .ofMinSize(1)
        .ofMaxSize(50);
  }

  /**
   * For any interleaving of operations, every outcome (consume results, subject revocation counts,
   * cap refusals, expiries) and every stats() field equal what a plain model of the documented
   * semantics predicts.
   */
  @Property(tries = 200)
  void outcomesAndStats_matchTheModel_forAnyInterleaving(@ForAll("ticketRuns") List<Op> ops) {
    MutableClock clock = MutableClock.create();
    TicketOptions options =
        TicketOptions.builder()
            .clock(clock)
            .maxActive(MAX_ACTIVE)
            .maxActivePerSubject(MAX_ACTIVE_PER_SUBJECT)
            .build();
    List<Issued> issued = new ArrayList<>();
    long totalIssued = 0;
    long totalConsumed = 0;
    long totalReuseAttempts = 0;
    TicketCodec codec = TicketCodec.create();
    try (TicketStore store = createStore(options)) {
      for (Op op : ops) {
        long now = clock.millis();
        if (op instanceof Issue i) {
          long active = count(issued, Issued.State.ACTIVE, now, -1);
          long activeOfSubject = count(issued, Issued.State.ACTIVE, now, i.subject());
          boolean globalFull = active >= MAX_ACTIVE;
          boolean subjectFull = activeOfSubject >= MAX_ACTIVE_PER_SUBJECT;
          Map<String, String> attributes = Map.of("n", String.valueOf(issued.size()));
          Duration ttl = Duration.ofSeconds(i.ttlSeconds());
          if (globalFull || subjectFull) {
            // When both caps are reached, either may be reported.
            assertThatExceptionOfType(CapacityExceededException.class)
                .as("issue for %s with %d active, %d of them its own", i, active, activeOfSubject)
                .isThrownBy(() -> store.issue(SUBJECTS[i.subject()], attributes, ttl))
                .satisfies(
                    e -> {
                      if (!subjectFull) {
                        assertThat(e.scope()).isEqualTo(Scope.GLOBAL);
                      } else if (!globalFull) {
                        assertThat(e.scope()).isEqualTo(Scope.SUBJECT);
                      }
                    });
          } else {
            IssuedTicket t = store.issue(SUBJECTS[i.subject()], attributes, ttl);
            assertThat(t.expiresAt()).isEqualTo(Instant.ofEpochMilli(now + ttl.toMillis()));
            issued.add(new Issued(t.ticket(), i.subject(), now, now + ttl.toMillis(), attributes));
            totalIssued++;
          }
        } else if (op instanceof Consume c && !issued.isEmpty()) {
          Issued t = issued.get(c.pick() % issued.size());
          ConsumeResult result = store.consume(t.ticket);
          if (t.is(Issued.State.ACTIVE, now)) {
            assertThat(result.outcome()).as("first presentation").isEqualTo(Outcome.CONSUMED);
            assertThat(result.ticket())
                .isEqualTo(
                    new TicketInfo(
                        SUBJECTS[t.subject],
                        t.attributes,
                        Instant.ofEpochMilli(t.issuedAt),
                        Instant.ofEpochMilli(t.expiresAt)));
            t.state = Issued.State.USED;
            totalConsumed++;
          } else if (t.is(Issued.State.USED, now)) {
            assertThat(result.outcome()).as("second presentation").isEqualTo(Outcome.REUSED);
            totalReuseAttempts++;
          } else {
            assertThat(result.outcome())
                .as("presentation of a revoked or expired ticket")
                .isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
          }
        } else if (op instanceof ConsumeUnknown) {
          assertThat(store.consume(codec.newTicket()).outcome())
              .isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
        } else if (op instanceof RevokeSubject r) {
          long expected = count(issued, Issued.State.ACTIVE, now, r.subject());
          assertThat(store.revokeSubject(SUBJECTS[r.subject()])).isEqualTo(expected);
          for (Issued t : issued) {
            if (t.subject == r.subject() && t.is(Issued.State.ACTIVE, now)) {
              t.state = Issued.State.REVOKED;
            }
          }
        } else if (op instanceof Advance a) {
          clock.advance(Duration.ofMillis(a.millis()));
        } else if (op instanceof Purge) {
          assertThat(store.purgeExpired()).isNotNegative();
        }
        now = clock.millis();
        assertThat(store.stats())
            .as("stats after %s at %s", op, now)
            .isEqualTo(
                new TicketStats(
                    count(issued, Issued.State.ACTIVE, now, -1),
                    count(issued, Issued.State.USED, now, -1),
                    totalIssued,
                    totalConsumed,
                    totalReuseAttempts,
                    MAX_ACTIVE));
      }
    }
  }

  /** Counts the model's tickets in a state that have not expired; subject -1 for all. */
  private static long count(List<Issued> issued, Issued.State state, long now, int subject) {
    return issued.stream()
        .filter(t -> t.is(state, now) && (subject < 0 || t.subject == subject))
        .count();
  }
}
