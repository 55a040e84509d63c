package io.authstore.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Verifies a token's signature with one key. Built once per key and reused: thread-safe.
 *
 * <p>RSA, EC and HMAC use Nimbus's verifiers. Ed25519 uses the JDK's own {@code Ed25519} signature
 * (Java 15+): Nimbus's {@code Ed25519Verifier} needs Google Tink, a second crypto library for one
 * algorithm the JDK already has.
 */
@FunctionalInterface
interface SignatureCheck {
  int ED25519_SIGNATURE_BYTES = 64;

  /**
   * @return whether the signature verifies with this check's key
   */
  boolean verify(SignedJWT jwt) throws JOSEException;

  static SignatureCheck forKey(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      RSASSAVerifier verifier = new RSASSAVerifier(rsa);
      return jwt -> jwt.verify(verifier);
    }
    if (key instanceof ECKey ec) {
      ECDSAVerifier verifier = new ECDSAVerifier(ec);
      return jwt -> jwt.verify(verifier);
    }
    if (key instanceof OctetSequenceKey oct) {
      MACVerifier verifier = new MACVerifier(oct);
      return jwt -> jwt.verify(verifier);
    }
    if (key instanceof OctetKeyPair okp) {
      PublicKey publicKey = PublicKeys.ed25519(okp);
      return jwt -> verifyEd25519(publicKey, jwt);
    }
    throw new JOSEException("unsupported key type: " + key.getKeyType());
  }

  private static boolean verifyEd25519(PublicKey key, SignedJWT jwt) throws JOSEException {
    byte[] signature = jwt.getSignature().decode();
    if (signature.length != ED25519_SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(jwt.getSigningInput());
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new JOSEException("Ed25519 verification failed", e);
    }
  }
}
