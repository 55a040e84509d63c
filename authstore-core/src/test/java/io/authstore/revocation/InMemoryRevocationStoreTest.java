package io.authstore.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.authstore.contract.RevocationStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the {@link RevocationStoreContract} on {@link InMemoryRevocationStore}. */
class InMemoryRevocationStoreTest extends RevocationStoreContract {

  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    return InMemoryRevocationStore.create(options);
  }

  @Test
  void create_withoutOptions_usesTheDefaults() {
    try (InMemoryRevocationStore store = InMemoryRevocationStore.create()) {
      assertThat(store.options()).isSameAs(RevocationOptions.defaults());
      assertThat(store.size()).isZero();
    }
  }

  @Test
  void create_keepsTheOptionsItWasGiven() {
    RevocationOptions options = options().maxTokenLifetime(Duration.ofHours(2)).build();

    try (InMemoryRevocationStore store = InMemoryRevocationStore.create(options)) {
      assertThat(store.options()).isSameAs(options);
    }
  }

  @Test
  void create_withNullOptions_isRejected() {
    assertThatNullPointerException()
        .isThrownBy(() -> InMemoryRevocationStore.create(null))
        .withMessageContaining("options");
  }

  @Test
  void revoke_reclaimsExpiredEntriesOnTheWay_andReportsThemToTheListener() {
    java.util.concurrent.atomic.AtomicInteger reclaimed =
        new java.util.concurrent.atomic.AtomicInteger();
    io.authstore.StoreListener listener =
        new io.authstore.StoreListener() {
          @Override
          public void expiredReclaimed(int count) {
            reclaimed.addAndGet(count);
          }
        };
    RevocationStore store = newStore(options().listener(listener).build());
    for (int i = 0; i < 1000; i++) {
      store.revoke(ISSUER, "short-" + i, clock.instant().plusSeconds(1));
    }
    clock.advance(Duration.ofSeconds(2));
    for (int i = 0; i < 1000; i++) {
      store.revoke(ISSUER, "long-" + i, clock.instant().plusSeconds(3600));
    }

    assertThat(reclaimed.get()).isPositive();
    assertThat(store.size()).isEqualTo(2000L - reclaimed.get());
  }
}
