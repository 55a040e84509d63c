package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.testkit.RedisProcess;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

/**
 * Every connection of the process runs on one set of Lettuce resources, shut down with the last.
 */
class RedisSharedResourcesIT {
  @Test
  void connections_shareOneSetOfResources_untilTheLastIsClosed() {
    try (RedisProcess redis = RedisProcess.start()) {
      RedisConnectionConfig config =
          RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build();
      int before = RedisConnection.SharedResources.users();
      RedisConnection a = RedisConnection.open(config);
      RedisConnection b = RedisConnection.open(config);
      RedisConnection c = RedisConnection.open(config);
      ClientResources shared = a.resources();

      assertThat(b.resources()).isSameAs(shared);
      assertThat(c.resources()).isSameAs(shared);
      assertThat(RedisConnection.SharedResources.users()).isEqualTo(before + 3);

      a.close();
      a.close(); // a second close gives nothing back twice
      b.close();
      assertThat(RedisConnection.SharedResources.users()).isEqualTo(before + 1);
      assertThat(shared.eventExecutorGroup().isShuttingDown()).isFalse();
      assertThat(c.ping()).isTrue();

      c.close();
      assertThat(RedisConnection.SharedResources.users()).isEqualTo(before);
      if (before == 0) {
        assertThat(shared.eventExecutorGroup().isShuttingDown()).isTrue();
      }
    }
  }

  @Test
  void aFailedConnect_givesItsResourcesBack() throws java.io.IOException {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    int before = RedisConnection.SharedResources.users();
    RedisConnectionConfig nowhere =
        RedisConnectionConfig.builder()
            .standalone("127.0.0.1", closedPort)
            .connectAttempts(1)
            .build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisConnection.open(nowhere))
        .isInstanceOf(io.authstore.StoreUnavailableException.class);
    assertThat(RedisConnection.SharedResources.users()).isEqualTo(before);
  }
}
