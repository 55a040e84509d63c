package io.authstore.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a body on N threads that wait on one latch and start together, then rethrows the first
 * failure of any of them, so a failed assertion on a worker thread fails the test.
 */
final class Concurrently {
  // A guard against a deadlocked store hanging the build; not a performance expectation.
  private static final long HANG_GUARD_MINUTES = 5;

  /** The work of one thread. */
  @FunctionalInterface
  interface Body {
    /**
     * @param thread the thread's index, 0 to threads - 1
     */
    void run(int thread) throws Exception;
  }

  private Concurrently() {}

  static void run(int threads, Body body) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>(threads);
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  body.run(thread);
                  return null;
                }));
      }
      ready.await();
      start.countDown();
      for (Future<?> f : futures) {
        try {
          f.get(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error error) {
            throw error;
          }
          throw new AssertionError("a worker thread failed", cause);
        } catch (TimeoutException e) {
          throw new AssertionError("worker threads did not finish: deadlock?", e);
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }
}
