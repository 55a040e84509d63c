package io.authstore.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys and a signer for tests. Tokens are assembled and signed here with the JDK alone, so a test
 * can put anything in the header and payload (an {@code exp} string, {@code alg: None}, attacker
 * headers) that a JOSE library would refuse to produce.
 */
final class TestKeys {
  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair RSA_OTHER = generate("RSA", 2048);
  static final KeyPair EC = generateEc();
  static final KeyPair ED25519 = generate("Ed25519", 0);
  static final byte[] HMAC_SECRET =
      "0123456789abcdef0123456789abcdef-a-256-bit-or-longer-test-secret"
          .getBytes(StandardCharsets.US_ASCII);

  private TestKeys() {}

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Signs {@code b64(header).b64(payload)} with the JDK algorithm that JWA {@code alg} names. */
  static String sign(String headerJson, String payloadJson, String alg, Key key) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    return input + "." + b64(signature(input.getBytes(StandardCharsets.US_ASCII), alg, key));
  }

  static byte[] signature(byte[] input, String alg, Key key) {
    try {
      if (alg.startsWith("HS")) {
        Mac mac = Mac.getInstance("HmacSHA" + alg.substring(2));
        mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA" + alg.substring(2)));
        return mac.doFinal(input);
      }
      String jdk =
          switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> throw new IllegalArgumentException(alg);
          };
      Signature signature = Signature.getInstance(jdk);
      signature.initSign((PrivateKey) key);
      signature.update(input);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Key hmacKey(byte[] secret) {
    return new SecretKeySpec(secret, "HmacSHA256");
  }

  /** JSON of a map whose values are strings, numbers, booleans, lists or maps (via Nimbus). */
  static String json(Map<String, ?> map) {
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(new LinkedHashMap<>(map));
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        generator.initialize(bits);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generateEc() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
