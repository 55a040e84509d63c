package io.authstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  private static final long SEED = 0x9E3779B97F4A7C15L;
  // Computed before KeyHash gained prefix(): the split must not change any key.
  private static final long KNOWN_ANSWER = 0x51f089059800d6a2L;

  @Test
  void samePairAndSeed_giveTheSameHash() {
    assertThat(KeyHash.of(SEED, "issuer", "jti")).isEqualTo(KeyHash.of(SEED, "issuer", "jti"));
    assertThat(KeyHash.of(SEED, new String("issuer"), new String("jti")))
        .isEqualTo(KeyHash.of(SEED, "issuer", "jti"));
  }

  @Test
  void prefixThenSecond_isTheHashOfThePair() {
    List<List<String>> pairs =
        List.of(
            List.of("https://issuer.example", "4f1c9b2e-0000-4000-8000-000000000001"),
            List.of("", "jti"),
            List.of("abc", ""),
            List.of("caf\u00e9", "\ud83d\ude00"),
            List.of("abcd", "efghi"));
    for (List<String> pair : pairs) {
      assertThat(KeyHash.of(KeyHash.prefix(SEED, pair.get(0)), pair.get(1)))
          .as(pair.toString())
          .isEqualTo(KeyHash.of(SEED, pair.get(0), pair.get(1)));
    }
  }

  /** The replicated Redis layout stores these keys: the function must not change silently. */
  @Test
  void knownAnswer_isStable() {
    assertThat(KeyHash.of(SEED, "https://issuer.example", "jti-1")).isEqualTo(KNOWN_ANSWER);
  }

  @Test
  void pairsThatRunTogetherAlike_giveDifferentHashes() {
    List<List<String>> pairs =
        List.of(
            List.of("ab", "c"),
            List.of("a", "bc"),
            List.of("abc", ""),
            List.of("", "abc"),
            List.of("abcd", "efgh"),
            List.of("abcde", "fgh"),
            List.of("abc", "defgh"),
            List.of("abcdefgh", ""),
            // A trailing U+0000 pads a word the same way as nothing: only the lengths differ.
            List.of("a", "b"),
            List.of("a\u0000", "b"),
            List.of("a", "b\u0000"),
            List.of("", ""),
            List.of("\u0000", ""),
            List.of("", "\u0000"));
    Set<Long> hashes = new HashSet<>();

    for (List<String> pair : pairs) {
      hashes.add(KeyHash.of(SEED, pair.get(0), pair.get(1)));
    }

    assertThat(hashes).hasSameSizeAs(pairs);
  }

  @Test
  void differentSeeds_giveDifferentHashes() {
    for (String jti : List.of("", "a", "jti-1", "a-much-longer-jti-than-one-word")) {
      assertThat(KeyHash.of(1, "issuer", jti)).as(jti).isNotEqualTo(KeyHash.of(2, "issuer", jti));
      assertThat(KeyHash.of(SEED, "issuer", jti))
          .as(jti)
          .isNotEqualTo(KeyHash.of(SEED + 1, "issuer", jti));
    }
  }

  @Test
  void utf16UnitsThatDifferOnlyInTheLowSurrogate_giveDifferentHashes() {
    // U+1F600 and U+1F601: same high surrogate.
    assertThat(KeyHash.of(SEED, "", "😀")).isNotEqualTo(KeyHash.of(SEED, "", "😁"));
    assertThat(KeyHash.of(SEED, "caf\u00e9", "x"))
        .isNotEqualTo(KeyHash.of(SEED, "cafe\u0301", "x"));
  }

  @Test
  void manyDistinctPairs_giveDistinctHashes() {
    Set<Long> hashes = new HashSet<>();
    int count = 0;
    for (int i = 0; i < 400; i++) {
      for (int j = 0; j < 250; j++) {
        hashes.add(KeyHash.of(SEED, "issuer-" + i, "jti-" + j));
        count++;
      }
    }

    // A 64-bit collision among 100,000 pairs has a chance of about 3e-10.
    assertThat(hashes).hasSize(count);
  }

  @Test
  void lowBits_areSpreadForSequentialJtis() {
    // The table indexes by the low bits: sequential jtis must not crowd into few slots.
    Set<Long> slots = new HashSet<>();
    for (int i = 0; i < 1_024; i++) {
      slots.add(KeyHash.of(SEED, "", "jti-" + i) & 1_023);
    }

    // 1,024 uniform draws into 1,024 slots fill about 63% of them.
    assertThat(slots.size()).isGreaterThan(550);
  }
}
