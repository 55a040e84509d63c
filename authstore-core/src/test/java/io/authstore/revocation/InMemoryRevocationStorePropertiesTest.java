package io.authstore.revocation;

import io.authstore.contract.RevocationStoreProperties;

/** Checks the {@link RevocationStoreProperties} on {@link InMemoryRevocationStore}. */
class InMemoryRevocationStorePropertiesTest extends RevocationStoreProperties {

  @Override
  protected RevocationStore createStore(RevocationOptions options) {
    return InMemoryRevocationStore.create(options);
  }
}
