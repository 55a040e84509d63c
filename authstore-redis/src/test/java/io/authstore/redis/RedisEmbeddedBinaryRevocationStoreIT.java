package io.authstore.redis;

import io.authstore.contract.RevocationStoreContract;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;

/**
 * Runs the {@link RevocationStoreContract} on {@link RedisRevocationStore}, on the Redis 6.2 binary
 * shipped in embedded-redis.
 */
class RedisEmbeddedBinaryRevocationStoreIT extends RevocationStoreContract {
  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    SharedRedis.EMBEDDED.flush();
    return new RedisRevocationStore(SharedRedis.EMBEDDED.connection(), false, options);
  }
}
