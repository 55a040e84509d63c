package io.authstore.redis;

import io.authstore.contract.RevocationStoreContract;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/** Runs the {@link RevocationStoreContract} on {@link ReplicatedRevocationStore}. */
class ReplicatedRevocationStoreIT {

  static ReplicatedRevocationStore connect(SharedRedis target, RevocationOptions options) {
    target.flush();
    ReplicatedRevocationStore store =
        ReplicatedRevocationStore.connect(target.config(), options, ReplicationOptions.defaults());
    if (!store.awaitReady(Duration.ofSeconds(30))) {
      store.close();
      throw new IllegalStateException("view not ready: " + store.state());
    }
    return store;
  }

  @Nested
  class Standalone extends RevocationStoreContract {
    @Override
    protected RevocationStore createStore(RevocationOptions options) {
      return connect(SharedRedis.STANDALONE, options);
    }
  }

  @Nested
  class Cluster extends RevocationStoreContract {
    @Override
    protected RevocationStore createStore(RevocationOptions options) {
      return connect(SharedRedis.CLUSTER, options);
    }
  }
}
