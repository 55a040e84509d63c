package io.authstore.redis;

import io.authstore.contract.TicketStoreContract;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;

/**
 * Runs the {@link TicketStoreContract} on {@link RedisTicketStore}, on the Redis 6.2 binary shipped
 * in embedded-redis.
 */
class RedisEmbeddedBinaryTicketStoreIT extends TicketStoreContract {
  @Override
  protected TicketStore createStore(TicketOptions options) {
    SharedRedis.EMBEDDED.flush();
    return new RedisTicketStore(SharedRedis.EMBEDDED.connection(), false, options);
  }
}
