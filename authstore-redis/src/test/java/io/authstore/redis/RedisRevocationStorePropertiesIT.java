package io.authstore.redis;

import io.authstore.contract.RevocationStoreProperties;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;

/** Runs the {@link RevocationStoreProperties} on {@link RedisRevocationStore}, standalone. */
class RedisRevocationStorePropertiesIT extends RevocationStoreProperties {
  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    SharedRedis.STANDALONE.flush();
    return new RedisRevocationStore(SharedRedis.STANDALONE.connection(), false, options);
  }
}
