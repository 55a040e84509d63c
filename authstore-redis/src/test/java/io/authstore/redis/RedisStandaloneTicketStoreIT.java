package io.authstore.redis;

import io.authstore.contract.TicketStoreContract;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;

/** Runs the {@link TicketStoreContract} on {@link RedisTicketStore}, standalone. */
class RedisStandaloneTicketStoreIT extends TicketStoreContract {
  @Override
  protected TicketStore createStore(TicketOptions options) {
    SharedRedis.STANDALONE.flush();
    return new RedisTicketStore(SharedRedis.STANDALONE.connection(), false, options);
  }
}
