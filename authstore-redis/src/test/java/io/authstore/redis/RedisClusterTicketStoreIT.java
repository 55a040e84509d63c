package io.authstore.redis;

import io.authstore.contract.TicketStoreContract;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;

/** Runs the {@link TicketStoreContract} on {@link RedisTicketStore}, cluster. */
class RedisClusterTicketStoreIT extends TicketStoreContract {
  @Override
  protected TicketStore createStore(TicketOptions options) {
    SharedRedis.CLUSTER.flush();
    return new RedisTicketStore(SharedRedis.CLUSTER.connection(), false, options);
  }
}
