package io.authstore.redis;

import io.authstore.contract.RevocationStoreContract;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;

/** Runs the {@link RevocationStoreContract} on {@link RedisRevocationStore}, standalone. */
class RedisStandaloneRevocationStoreIT extends RevocationStoreContract {
  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    SharedRedis.STANDALONE.flush();
    return new RedisRevocationStore(SharedRedis.STANDALONE.connection(), false, options);
  }
}
