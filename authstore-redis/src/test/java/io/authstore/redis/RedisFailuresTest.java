package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.AuthstoreException;
import io.authstore.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisFailuresTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist",
        "LOADING Redis is loading the dataset in memory",
        "READONLY You can't write against a read only replica.",
        "OOM command not allowed when used memory > 'maxmemory'.",
        "ERR Error running script (call to f_x): @user_script:1: -MISCONF Errors writing to disk",
      })
  void aReplyThatMeansNotNow_isUnavailable(String reply) {
    RuntimeException e =
        RedisFailures.translate(new RedisCommandExecutionException(reply), "consume");

    assertThat(e).isInstanceOf(StoreUnavailableException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ERR unknown command 'FOO'", "WRONGTYPE Operation against a key"})
  void aReplyThatMeansWrong_isNot(String reply) {
    RuntimeException e =
        RedisFailures.translate(new RedisCommandExecutionException(reply), "consume");

    assertThat(e)
        .isInstanceOf(AuthstoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class);
  }
}
