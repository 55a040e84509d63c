package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.authstore.redis.RedisConnectionConfig.HostAndPort;
import io.authstore.redis.RedisConnectionConfig.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisConnectionConfigTest {

  @Test
  void defaults_matchTheSourceSettings() {
    RedisConnectionConfig c = RedisConnectionConfig.builder().build();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.connectAttempts()).isEqualTo(3);
    assertThat(c.keyPrefix()).isEqualTo("authstore:");
    assertThat(c.waitReplicas()).isZero();
  }

  @Test
  void uri_withCredentialsDatabaseAndTls_isParsed() {
    RedisConnectionConfig c =
        RedisConnectionConfig.fromUri("rediss://bob:s3cret@cache.internal:6380/2").build();
    assertThat(c.topology()).isEqualTo(Topology.STANDALONE);
    assertThat(c.nodes()).containsExactly(new HostAndPort("cache.internal", 6380));
    assertThat(c.username()).isEqualTo("bob");
    assertThat(c.hasPassword()).isTrue();
    assertThat(c.database()).isEqualTo(2);
    assertThat(c.tls()).isTrue();
  }

  @Test
  void sentinelUri_namesEverySentinelAndTheMaster() {
    RedisConnectionConfig c =
        RedisConnectionConfig.fromUri("redis-sentinel://10.0.0.1:26379,10.0.0.2:26380#mymaster")
            .build();
    assertThat(c.topology()).isEqualTo(Topology.SENTINEL);
    assertThat(c.sentinelMaster()).isEqualTo("mymaster");
    assertThat(c.nodes())
        .containsExactly(new HostAndPort("10.0.0.1", 26379), new HostAndPort("10.0.0.2", 26380));
  }

  @Test
  void environment_sourceVariables_mapOntoTheConfig() {
    RedisConnectionConfig c =
        RedisConnectionConfig.fromEnvironment(
                Map.of(
                    "REDIS_HOST", "redis.local",
                    "REDIS_PORT", "6390",
                    "REDIS_DB", "3",
                    "REDIS_PASSWORD", "pw",
                    "REDIS_USERNAME", "svc",
                    "REDIS_TLS", "true"))
            .build();
    assertThat(c.nodes()).containsExactly(new HostAndPort("redis.local", 6390));
    assertThat(c.database()).isEqualTo(3);
    assertThat(c.username()).isEqualTo("svc");
    assertThat(c.hasPassword()).isTrue();
    assertThat(c.tls()).isTrue();
  }

  @Test
  void environment_clusterAndSentinelNodes_areParsed() {
    RedisConnectionConfig cluster =
        RedisConnectionConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "a:7000, b:7001"))
            .build();
    assertThat(cluster.topology()).isEqualTo(Topology.CLUSTER);
    assertThat(cluster.nodes())
        .containsExactly(new HostAndPort("a", 7000), new HostAndPort("b", 7001));
    RedisConnectionConfig sentinel =
        RedisConnectionConfig.fromEnvironment(
                Map.of("REDIS_SENTINEL_NODES", "s1:26379", "REDIS_SENTINEL_MASTER", "m"))
            .build();
    assertThat(sentinel.topology()).isEqualTo(Topology.SENTINEL);
    assertThat(sentinel.sentinelMaster()).isEqualTo("m");
  }

  @Test
  void environment_withoutRedisVariables_isNull() {
    assertThat(RedisConnectionConfig.fromEnvironment(Map.of("PATH", "/bin"))).isNull();
  }

  @Test
  void environment_badValues_nameTheVariable() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(Map.of("REDIS_HOST", "h", "REDIS_PORT", "x")))
        .withMessageContaining("REDIS_PORT");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RedisConnectionConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "a:1,b")))
        .withMessageContaining("REDIS_CLUSTER_NODES");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RedisConnectionConfig.fromEnvironment(Map.of("REDIS_SENTINEL_NODES", "a:1")))
        .withMessageContaining("REDIS_SENTINEL_MASTER");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_HOST", "h", "REDIS_TLS", "yes")))
        .withMessageContaining("REDIS_TLS");
  }

  @Test
  void hostAndPort_ipv6InBrackets_isParsedAndShownInBrackets() {
    HostAndPort node = HostAndPort.parse(" [::1]:7000 ");
    assertThat(node).isEqualTo(new HostAndPort("::1", 7000));
    assertThat(node).hasToString("[::1]:7000");
    assertThat(HostAndPort.parse("10.0.0.1:7001")).hasToString("10.0.0.1:7001");
  }

  @Test
  void hostAndPort_ipv6WithoutBrackets_isRefusedNotMisread() {
    // Read as host "::1" and port 7000, or host "::" and port 17000? Neither is guessed.
    for (String text : List.of("::1:7000", "fe80::1:6379", "[::1:7000", "::1]:7000", "[]:7000")) {
      assertThatIllegalArgumentException()
          .as(text)
          .isThrownBy(() -> HostAndPort.parse(text))
          .withMessageContaining("expected host:port");
    }
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "[::1]:7000,::1:7001")))
        .withMessageContaining("REDIS_CLUSTER_NODES")
        .withMessageContaining("brackets");
    assertThat(
            RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "[::1]:7000,[::1]:7001"))
                .build()
                .nodes())
        .containsExactly(new HostAndPort("::1", 7000), new HostAndPort("::1", 7001));
  }

  @Test
  void uri_optionsItWouldDrop_areRefusedByName() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("rediss://h:6380?verifyPeer=false"))
        .withMessageContaining("'verifypeer'")
        .withMessageContaining("always verifies");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://:pw@h:6379/1?timeout=10s"))
        .withMessageContaining("'timeout'")
        .withMessageContaining("command timeout");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://h?database=1&clientName=x"))
        .withMessageContaining("'clientname'");
    // An '@' in a query value does not hide the options after it.
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RedisConnectionConfig.fromUri("redis://:pw@h:6379?database=1&x=a@b&timeout=5s"))
        .withMessageContaining("'x'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://u:pw@h:6379?db=1&timeout=a@b"))
        .withMessageContaining("'timeout'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis-sentinel://:pw@s1:1,s2:2?x=a@b#m"))
        .withMessageContaining("'x'");
    // Lettuce reads the query decoded: an encoded '&' separates options too.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://h?database=1%26timeout=5s"))
        .withMessageContaining("'timeout'");
    // An '@' in the query of a URI without a user: a password's '?' or an option's value.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://h:6379?timeout=5s&x=a@b"))
        .withMessageContaining("percent-encode");
    // A name that is not an option's shape is not echoed: it may be a misplaced secret.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://h?Hunter2!Secret"))
        .withMessageContaining("(not shown)")
        .withMessageNotContaining("Hunter2");
  }

  @Test
  void uri_optionsItReads_areAccepted() {
    assertThat(RedisConnectionConfig.fromUri("redis://h:6379?database=4").build().database())
        .isEqualTo(4);
    assertThat(RedisConnectionConfig.fromUri("redis://h:6379?db=5").build().database())
        .isEqualTo(5);
    assertThat(RedisConnectionConfig.fromUri("redis://h:6379?d%62=6").build().database())
        .as("decoded, as Lettuce reads it")
        .isEqualTo(6);
    RedisConnectionConfig sentinel =
        RedisConnectionConfig.fromUri("redis-sentinel://s1:26379?sentinelMasterId=m1").build();
    assertThat(sentinel.sentinelMaster()).isEqualTo("m1");
    // A '?' inside a percent-encoded password is not a query.
    assertThat(RedisConnectionConfig.fromUri("redis://:p%3Fw@h:1").build().hasPassword()).isTrue();
  }

  @Test
  void environment_twoLocations_areRefusedNamingBoth() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_URL", "redis://a:6379", "REDIS_HOST", "b")))
        .withMessageContaining("REDIS_URL, REDIS_HOST are set");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_SENTINEL_NODES", "s:26379")))
        .withMessageContaining("REDIS_CLUSTER_NODES, REDIS_SENTINEL_NODES are set");
  }

  @Test
  void environment_variableTheLocationDoesNotRead_isRefusedNotIgnored() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_URL", "redis://a:6379", "REDIS_DB", "2")))
        .withMessageContaining("REDIS_DB is not read with REDIS_URL");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_PORT", "7001")))
        .withMessageContaining("REDIS_PORT is read only with REDIS_HOST");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_HOST", "a", "REDIS_SENTINEL_MASTER", "m")))
        .withMessageContaining("REDIS_SENTINEL_MASTER is read only with REDIS_SENTINEL_NODES");
  }

  @Test
  void environment_serviceLinkPort_isNotOursAndIsIgnored() {
    Map<String, String> link = Map.of("REDIS_PORT", "tcp://10.0.0.9:6379");
    assertThat(
            RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_HOST", "redis", "REDIS_PORT", link.get("REDIS_PORT")))
                .build()
                .nodes())
        .containsExactly(new HostAndPort("redis", 6379));
    assertThat(
            RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_URL", "redis://a:6380", "REDIS_PORT", link.get("REDIS_PORT")))
                .build()
                .nodes())
        .containsExactly(new HostAndPort("a", 6380));
  }

  @Test
  void toString_neverShowsThePassword() {
    RedisConnectionConfig c = RedisConnectionConfig.fromUri("redis://user:topsecret@h:1").build();
    assertThat(c.toString()).doesNotContain("topsecret").contains("***");
  }

  @Test
  void builder_badValues_nameTheSettingAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().commandTimeout(Duration.ZERO).build())
        .withMessageContaining("commandTimeout")
        .withMessageContaining("PT0S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().connectAttempts(0).build())
        .withMessageContaining("connectAttempts")
        .withMessageContaining("0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().keyPrefix("a{b}").build())
        .withMessageContaining("keyPrefix");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().cluster(List.of()).build())
        .withMessageContaining("at least one node");
  }

  @Test
  void waitForReplicas_onClusterOrWithATimeoutPastTheCommandTimeout_isRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.builder()
                    .cluster(List.of(HostAndPort.parse("a:7000")))
                    .waitForReplicas(1, Duration.ofMillis(500))
                    .build())
        .withMessageContaining("Cluster");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.builder()
                    .commandTimeout(Duration.ofSeconds(1))
                    .waitForReplicas(1, Duration.ofSeconds(2))
                    .build())
        .withMessageContaining("waitTimeout")
        .withMessageContaining("PT2S");
  }

  @Test
  void scriptWrappedTransientErrors_onRedis62_areUnavailable() {
    RuntimeException e =
        RedisFailures.translate(
            new io.lettuce.core.RedisCommandExecutionException(
                "ERR Error running script (call to f_abc): @user_script:3: @user_script: 3:"
                    + " -READONLY You can't write against a read only replica."),
            "revoke");
    assertThat(e).isInstanceOf(io.authstore.StoreUnavailableException.class);
    assertThat(
            RedisFailures.translate(
                new io.lettuce.core.RedisCommandExecutionException("WRONGTYPE Operation"), "x"))
        .isNotInstanceOf(io.authstore.StoreUnavailableException.class);
  }

  @Test
  void uriWithAnUnescapedSlashInThePassword_isRefused_showingNoPartOfIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RedisConnectionConfig.fromUri("redis://:abc/URLPASSWORDSECRET@localhost:6379"))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("URLPASSWORDSECRET").doesNotContain("abc");
              assertThat(e.getCause()).as("no cause that could quote the URI").isNull();
            });
  }

  @Test
  void uriWithAnUnescapedHashInThePassword_isRefused_notReadAsAHost() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://:pa#QQSECRETQQ@localhost:6379"))
        .withMessageContaining("percent-encode")
        .withMessageNotContaining("QQSECRETQQ");
  }

  @Test
  void socketUri_isRefusedWithAMessage_notANullPointer() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis-socket:///tmp/redis.sock"))
        .withMessageContaining("not sockets");
  }

  @Test
  void redactUri_hidesEverythingUpToTheLastAt() {
    assertThat(RedisConnectionConfig.redactUri("redis://user:p@ss/w@rd@host:6379/0"))
        .isEqualTo("redis://***@host:6379/0");
    assertThat(RedisConnectionConfig.redactUri("redis://host:6379")).isEqualTo("redis://…");
    assertThat(RedisConnectionConfig.redactUri("no scheme at all")).isEqualTo("(not shown)");
  }

  @Test
  void percentEncodedPassword_isRead() {
    RedisConnectionConfig c =
        RedisConnectionConfig.fromUri("redis://:p%40ss%2Fw%23rd@localhost:6379").build();

    assertThat(c.hasPassword()).isTrue();
    assertThat(new String(c.toRedisUris().get(0).getPassword())).isEqualTo("p@ss/w#rd");
    assertThat(c.toString()).doesNotContain("p@ss");
  }

  @Test
  void builder_databaseOnCluster_isRefused_asClusterHasOnlyDatabase0() {
    List<HostAndPort> seeds = List.of(HostAndPort.parse("a:7000"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().cluster(seeds).database(2).build())
        .withMessageContaining("Cluster")
        .withMessageContaining("only database 0")
        .withMessageEndingWith(": 2");
    // A database read from a URI is not dropped when the builder is turned to Cluster either.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://h:6379/1").cluster(seeds).build())
        .withMessageContaining("only database 0");
    assertThat(RedisConnectionConfig.builder().cluster(seeds).database(0).build().database())
        .isZero();
  }

  @Test
  void environment_dbWithClusterNodes_isRefusedNamingBoth() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_DB", "2")))
        .withMessageContaining("REDIS_DB is 2")
        .withMessageContaining("REDIS_CLUSTER_NODES")
        .withMessageContaining("only database 0");
    // 0 is the database a Cluster uses: nothing is ignored.
    assertThat(
            RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_DB", "0"))
                .build()
                .database())
        .isZero();
    // A database in a URL cannot reach a Cluster: the URL and the nodes are two locations.
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_URL", "redis://h:6379/1", "REDIS_CLUSTER_NODES", "a:7000")))
        .withMessageContaining("REDIS_URL, REDIS_CLUSTER_NODES are set");
  }

  @Test
  void builder_usernameWithoutPassword_isRefused_notDroppedForTheDefaultUser() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.builder().username("svc").build())
        .withMessageContaining("username svc is set without a password")
        .withMessageContaining("password(...)")
        .withMessageContaining("nopass");
    RedisConnectionConfig c =
        RedisConnectionConfig.builder().username("svc").password("pw").build();
    assertThat(c.toRedisUris().get(0).getUsername()).isEqualTo("svc");
  }

  @Test
  void environment_usernameWithoutPassword_isRefusedNamingBoth() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_HOST", "h", "REDIS_USERNAME", "svc")))
        .withMessageContaining("REDIS_USERNAME is set but REDIS_PASSWORD is not")
        .withMessageContaining("nopass");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RedisConnectionConfig.fromEnvironment(
                    Map.of("REDIS_URL", "redis://h:6379", "REDIS_USERNAME", "svc")))
        .withMessageContaining("REDIS_URL has no password");
    // The password may come from the URL: the user then authenticates with it.
    RedisConnectionConfig c =
        RedisConnectionConfig.fromEnvironment(
                Map.of("REDIS_URL", "redis://:pw@h:6379", "REDIS_USERNAME", "svc"))
            .build();
    assertThat(c.toRedisUris().get(0).getUsername()).isEqualTo("svc");
    assertThat(new String(c.toRedisUris().get(0).getPassword())).isEqualTo("pw");
  }

  @Test
  void uri_userInfoWithoutColon_isAPassword_asLettuceAndRedisCliReadIt() {
    RedisConnectionConfig c = RedisConnectionConfig.fromUri("redis://s3cret@h:6379").build();
    assertThat(c.username()).isNull();
    assertThat(new String(c.toRedisUris().get(0).getPassword())).isEqualTo("s3cret");
  }

  @Test
  void uri_userWithAnEmptyPassword_isRefused_notConnectedAsTheDefaultUser() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisConnectionConfig.fromUri("redis://svc:@h:6379"))
        .withMessageContaining("a user without a password")
        .withMessageContaining("nopass");
    // Once a password is given for it, the user is read.
    assertThat(RedisConnectionConfig.fromUri("redis://svc:pw@h:6379").build().username())
        .isEqualTo("svc");
  }

  @Test
  void connectRetryDelay_doublesFromHalfASecond_upToOneSecond() {
    assertThat(RedisConnectionConfig.connectRetryDelay(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(RedisConnectionConfig.connectRetryDelay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RedisConnectionConfig.connectRetryDelay(3)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RedisConnectionConfig.connectRetryDelay(Integer.MAX_VALUE))
        .isEqualTo(Duration.ofSeconds(1));
    // What the Javadoc of DEFAULT_CONNECT_ATTEMPTS promises: 1.5 s of waits in all.
    Duration total = Duration.ZERO;
    for (int failed = 1; failed < RedisConnectionConfig.DEFAULT_CONNECT_ATTEMPTS; failed++) {
      total = total.plus(RedisConnectionConfig.connectRetryDelay(failed));
    }
    assertThat(total).isEqualTo(Duration.ofMillis(1500));
  }
}
