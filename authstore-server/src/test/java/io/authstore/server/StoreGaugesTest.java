package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The store gauges' reading, on the in-memory stores, where a reading is often done at once. */
class StoreGaugesTest {
  @Test
  void refresh_manyTimesInARow_alwaysReadsTheStore() {
    Metrics metrics = new Metrics();
    try (Stores stores = Stores.open(TestServers.memory().build(), metrics);
        StoreGauges gauges = new StoreGauges(stores)) {
      gauges.register(metrics);
      stores.tickets().issue("alice");
      // A reading that completed before its clean-up was registered once left refresh() with no
      // reading to join (a NullPointerException, served as a 500).
      for (int i = 0; i < 2_000; i++) {
        gauges.refresh();
      }
      String scrape = metrics.scrape();
      assertThat(ServerMemoryIT.metric(scrape, "authstore_tickets_active")).isEqualTo(1.0);
      assertThat(ServerMemoryIT.metric(scrape, "authstore_store_up")).isEqualTo(1.0);
    }
  }
}
