package io.authstore.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.authstore.contract.TicketStoreContract;
import java.lang.ref.WeakReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the {@link TicketStoreContract} on {@link InMemoryTicketStore}. */
class InMemoryTicketStoreTest extends TicketStoreContract {

  @Override
  protected TicketStore createStore(TicketOptions options) {
    return InMemoryTicketStore.create(options);
  }

  @Test
  void create_withoutOptions_usesTheDefaults() {
    try (InMemoryTicketStore store = InMemoryTicketStore.create()) {
      assertThat(store.options()).isSameAs(TicketOptions.defaults());
      assertThat(store.stats()).isEqualTo(new TicketStats(0, 0, 0, 0, 0, 1000));
    }
  }

  @Test
  void create_keepsTheOptionsItWasGiven() {
    TicketOptions options = options().maxActive(5).build();

    try (InMemoryTicketStore store = InMemoryTicketStore.create(options)) {
      assertThat(store.options()).isSameAs(options);
    }
  }

  @Test
  void consume_leavesATombstoneThatNoLongerHoldsTheAttributes() throws InterruptedException {
    try (InMemoryTicketStore store = InMemoryTicketStore.create(options().build())) {
      WeakReference<String> value = issueAndConsume(store);
      assertThat(store.consume(issueAndConsumeTicket).outcome())
          .isEqualTo(ConsumeResult.Outcome.REUSED);

      // Up to 4 KiB of attributes per ticket, for as long as its tombstone lives: once consumed,
      // nothing of the store's should keep them.
      for (int i = 0; i < 50 && value.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertThat(value.get()).as("an attribute value of a consumed ticket").isNull();
    }
  }

  private String issueAndConsumeTicket;

  /** Issues a ticket with one attribute, consumes it, and keeps only a weak hold on the value. */
  private WeakReference<String> issueAndConsume(InMemoryTicketStore store) {
    String attribute = new String(new char[] {'r', 'o', 'l', 'e', '-', 'x'});
    issueAndConsumeTicket =
        store.issue("alice", Map.of("role", attribute), java.time.Duration.ofMinutes(5)).ticket();
    ConsumeResult result = store.consume(issueAndConsumeTicket);
    assertThat(result.ticket().attributes()).containsEntry("role", "role-x");
    return new WeakReference<>(attribute);
  }

  @Test
  void create_withNullOptions_isRejected() {
    assertThatNullPointerException()
        .isThrownBy(() -> InMemoryTicketStore.create(null))
        .withMessageContaining("options");
  }
}
