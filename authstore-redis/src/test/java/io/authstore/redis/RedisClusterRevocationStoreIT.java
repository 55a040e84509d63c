package io.authstore.redis;

import io.authstore.contract.RevocationStoreContract;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;

/** Runs the {@link RevocationStoreContract} on {@link RedisRevocationStore}, cluster. */
class RedisClusterRevocationStoreIT extends RevocationStoreContract {
  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    SharedRedis.CLUSTER.flush();
    return new RedisRevocationStore(SharedRedis.CLUSTER.connection(), false, options);
  }
}
