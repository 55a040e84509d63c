package io.authstore.jwt;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationStore;
import java.time.Instant;

/** A store whose backend is down: the one fault a real in-memory store cannot give. */
final class DownStore implements RevocationStore {
  @Override
  public void revoke(String issuer, String jti, Instant expiresAt) {
    throw new StoreUnavailableException("down");
  }

  @Override
  public boolean isRevoked(String issuer, String jti) {
    throw new StoreUnavailableException("down");
  }

  @Override
  public void revokeSubject(String issuer, String subject, Instant notBefore) {
    throw new StoreUnavailableException("down");
  }

  @Override
  public boolean isRevoked(String issuer, String jti, String subject, Instant issuedAt) {
    throw new StoreUnavailableException("down");
  }

  @Override
  public long size() {
    throw new StoreUnavailableException("down");
  }

  @Override
  public int purgeExpired() {
    throw new StoreUnavailableException("down");
  }

  @Override
  public void close() {}
}
