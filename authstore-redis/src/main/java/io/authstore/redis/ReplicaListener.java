package io.authstore.redis;

import java.time.Duration;

/**
 * Receives the events of a {@link ReplicatedRevocationStore}'s local view, for metrics. Every
 * method has an empty default; {@link #NOOP} ignores everything. Implementations must be
 * thread-safe and must not block: they are called on the follower and watchdog threads. An
 * exception they throw is logged and ignored.
 */
public interface ReplicaListener {
  /** A listener that ignores every event. */
  ReplicaListener NOOP = new ReplicaListener() {};

  /** Why the view was rebuilt from a full snapshot. */
  enum ResyncReason {
    /** The first load at start. */
    BOOTSTRAP,
    /** The change feed was trimmed past this view's position. */
    FEED_GAP,
    /** Redis lost its data (restarted empty, flushed): the view was written back first. */
    DATA_LOSS
  }

  /**
   * A change from another instance (or this one) was applied.
   *
   * @param lag from the change's write in Redis (its stream id) to its application here
   */
  default void changeApplied(Duration lag) {}

  /**
   * The view was rebuilt from a full snapshot.
   *
   * @param reason why
   * @param entries jti entries held after the resync
   */
  default void resynced(ResyncReason reason, long entries) {}

  /**
   * The view's state changed.
   *
   * @param state the new state
   */
  default void stateChanged(ReplicatedRevocationStore.State state) {}
}
