package io.authstore.ticket;

import io.authstore.contract.TicketStoreProperties;

/** Checks the {@link TicketStoreProperties} on {@link InMemoryTicketStore}. */
class InMemoryTicketStorePropertiesTest extends TicketStoreProperties {

  @Override
  protected TicketStore createStore(TicketOptions options) {
    return InMemoryTicketStore.create(options);
  }
}
