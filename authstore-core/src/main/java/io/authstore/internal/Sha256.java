package io.authstore.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 with one {@link MessageDigest} per thread. Thread-safe. */
public final class Sha256 {
  // MessageDigest is not thread-safe, and getInstance() costs a provider lookup per call.
  private static final ThreadLocal<MessageDigest> DIGEST =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java platform must provide SHA-256", e);
            }
          });

  private Sha256() {}

  /**
   * @param input the bytes to hash
   * @return their SHA-256: 32 bytes
   */
  public static byte[] digest(byte[] input) {
    return DIGEST.get().digest(input);
  }
}
