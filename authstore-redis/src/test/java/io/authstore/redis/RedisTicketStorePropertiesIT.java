package io.authstore.redis;

import io.authstore.contract.TicketStoreProperties;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;

/** Runs the {@link TicketStoreProperties} on {@link RedisTicketStore}, standalone. */
class RedisTicketStorePropertiesIT extends TicketStoreProperties {
  @Override
  protected TicketStore createStore(TicketOptions options) {
    SharedRedis.STANDALONE.flush();
    return new RedisTicketStore(SharedRedis.STANDALONE.connection(), false, options);
  }
}
