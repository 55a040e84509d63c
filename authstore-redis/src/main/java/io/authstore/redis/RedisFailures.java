package io.authstore.redis;

import io.authstore.AuthstoreException;
import io.authstore.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one place where Lettuce failures become authstore exceptions. */
final class RedisFailures {
  // Error replies that mean "not now" rather than "wrong command": the store is unavailable.
  private static final List<String> TRANSIENT_REPLIES =
      List.of(
          "LOADING",
          "READONLY",
          "CLUSTERDOWN",
          "MASTERDOWN",
          "TRYAGAIN",
          "BUSY",
          "OOM",
          "NOREPLICAS",
          "MISCONF",
          "MOVED",
          "ASK",
          "UNBLOCKED");

  private RedisFailures() {}

  static RuntimeException translate(Throwable failure, String operation) {
    Throwable t = unwrap(failure);
    if (t instanceof AuthstoreException e) {
      return e;
    }
    if (t instanceof RedisCommandExecutionException e) {
      String reply = String.valueOf(e.getMessage());
      for (String prefix : TRANSIENT_REPLIES) {
        // Redis 6.2 wraps an error raised inside a script: "ERR Error running script (...):
        // ... -READONLY You can't write against a read only replica."
        if (reply.startsWith(prefix) || reply.contains("-" + prefix + " ")) {
          return new StoreUnavailableException("redis " + operation + " failed: " + reply, e);
        }
      }
      return new AuthstoreException("redis " + operation + " failed: " + reply, e);
    }
    if (t instanceof RedisException
        || t instanceof TimeoutException
        || t instanceof CancellationException
        || t instanceof java.io.IOException) {
      return new StoreUnavailableException(
          "redis " + operation + " failed: " + t.getClass().getSimpleName() + ": " + t.getMessage(),
          t);
    }
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new StoreUnavailableException("interrupted during redis " + operation, t);
    }
    if (t instanceof RuntimeException e) {
      return e;
    }
    return new AuthstoreException("redis " + operation + " failed: " + t, t);
  }

  static boolean isNoScript(Throwable failure) {
    Throwable t = unwrap(failure);
    return t instanceof RedisCommandExecutionException
        && String.valueOf(t.getMessage()).startsWith("NOSCRIPT");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
