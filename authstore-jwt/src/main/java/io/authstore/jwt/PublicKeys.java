package io.authstore.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns configured key material into JWKs and says which algorithm a key fits.
 *
 * <p>PEM is decoded with the JDK (SubjectPublicKeyInfo, the one format every tool writes for a
 * public key): Nimbus's own PEM parsing needs BouncyCastle, a large dependency for ten lines.
 */
final class PublicKeys {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32-byte key follows. */
  static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final int MIN_RSA_BITS = 2048;
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private PublicKeys() {}

  /** Parses one PEM public key. */
  static JWK fromPem(String pem) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "publicKeyPem must hold one -----BEGIN PUBLIC KEY----- block (SubjectPublicKeyInfo)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("publicKeyPem is not valid base64: " + e.getMessage(), e);
    }
    PublicKey key = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException e) {
        // not this kind of key: try the next
      }
    }
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new IllegalArgumentException(
            "publicKeyPem RSA key must have at least "
                + MIN_RSA_BITS
                + " bits: "
                + rsa.getModulus().bitLength());
      }
      return new RSAKey.Builder(rsa).build();
    }
    if (key instanceof ECPublicKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (curve == null || !Set.of(Curve.P_256, Curve.P_384, Curve.P_521).contains(curve)) {
        throw new IllegalArgumentException(
            "publicKeyPem EC key must be on P-256, P-384 or P-521: " + ec.getParams());
      }
      return new ECKey.Builder(curve, ec).build();
    }
    if (key instanceof EdECPublicKey) {
      byte[] raw = Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length);
      return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).build();
    }
    throw new IllegalArgumentException(
        "publicKeyPem is not an RSA, EC or Ed25519 public key (SubjectPublicKeyInfo)");
  }

  /** The keys of a JWK Set that verify: public keys and symmetric keys, private parts dropped. */
  static JWKSet verificationKeys(JWKSet set) {
    List<JWK> keys = new ArrayList<>();
    for (JWK key : set.getKeys()) {
      JWK usable = key instanceof OctetSequenceKey ? key : key.toPublicJWK();
      if (usable != null) {
        keys.add(usable);
      }
    }
    return new JWKSet(keys);
  }

  /** Whether a key can verify the algorithm (type, curve, and secret length for HMAC). */
  static boolean fits(JWK key, String algorithm) {
    JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
    if (JWSAlgorithm.Family.RSA.contains(alg)) {
      return key instanceof RSAKey;
    }
    if (JWSAlgorithm.Family.EC.contains(alg)) {
      return key instanceof ECKey ec && Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
    }
    if (JWSAlgorithm.Family.ED.contains(alg)) {
      return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    }
    if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
      return key instanceof OctetSequenceKey oct && oct.size() >= hashBits(alg);
    }
    return false;
  }

  static int hashBits(JWSAlgorithm alg) {
    return Integer.parseInt(alg.getName().substring(2));
  }

  static String describe(JWK key) {
    if (key instanceof ECKey ec) {
      return "EC " + ec.getCurve();
    }
    if (key instanceof OctetKeyPair okp) {
      return "OKP " + okp.getCurve();
    }
    return key.getKeyType() + " " + key.size() + " bits";
  }

  /** The JDK public key of an Ed25519 JWK. */
  static PublicKey ed25519(OctetKeyPair okp) throws JOSEException {
    byte[] raw = okp.getDecodedX();
    if (!Curve.Ed25519.equals(okp.getCurve()) || raw.length != 32) {
      throw new JOSEException("not an Ed25519 public key: " + okp.getCurve());
    }
    byte[] der = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("Ed25519 key cannot be decoded", e);
    }
  }
}
