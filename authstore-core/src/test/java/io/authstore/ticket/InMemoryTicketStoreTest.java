package io.authstore.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.authstore.contract.TicketStoreContract;
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
  void create_withNullOptions_isRejected() {
    assertThatNullPointerException()
        .isThrownBy(() -> InMemoryTicketStore.create(null))
        .withMessageContaining("options");
  }
}
