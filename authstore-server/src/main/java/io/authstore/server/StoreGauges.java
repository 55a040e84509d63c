package io.authstore.server;

import io.authstore.ticket.TicketStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The gauges that ask the store: active and used tickets, revoked entries, readiness. A scrape
 * reads them once, in parallel, before the registry is rendered, so a scrape while Redis hangs
 * takes one command timeout rather than one per gauge (four of them add up past Prometheus's
 * default scrape timeout of 10 s), and concurrent scrapes share one reading. A part that fails
 * reads as NaN, and the store as down.
 *
 * <p>Thread-safe.
 */
final class StoreGauges implements AutoCloseable {
  /** One reading; NaN where the store did not answer. */
  record Reading(double active, double used, double revoked, double up) {
    static final Reading NONE = new Reading(Double.NaN, Double.NaN, Double.NaN, 0);
  }

  private final Stores stores;
  private final ExecutorService readers =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "authstore-gauges");
            thread.setDaemon(true);
            return thread;
          });
  private volatile Reading current = Reading.NONE;
  private CompletableFuture<Reading> inFlight; // guarded by this

  StoreGauges(Stores stores) {
    this.stores = stores;
  }

  /** Registers the gauges, which report the latest {@link #refresh()}. */
  void register(Metrics metrics) {
    metrics.gauge("authstore.tickets.active", "Active tickets", this, g -> g.current.active());
    metrics.gauge(
        "authstore.tickets.used",
        "Consumed tickets kept as tombstones",
        this,
        g -> g.current.used());
    metrics.gauge(
        "authstore.revocations.entries", "Revoked entries held", this, g -> g.current.revoked());
    metrics.gauge(
        "authstore.store.up", "1 when the store is ready, else 0", this, g -> g.current.up());
  }

  /** Reads the store now (or joins a reading under way) and makes it what the gauges report. */
  void refresh() {
    CompletableFuture<Reading> reading;
    synchronized (this) {
      reading = inFlight;
      if (reading == null) {
        CompletableFuture<Reading> started = read();
        reading = started;
        inFlight = started;
        // Runs at once if the reading is already done (an in-memory store), clearing inFlight.
        started.whenComplete(
            (r, e) -> {
              synchronized (this) {
                if (inFlight == started) {
                  inFlight = null;
                }
              }
            });
      }
    }
    current = reading.join();
  }

  private CompletableFuture<Reading> read() {
    CompletableFuture<TicketStats> stats = async(() -> stores.tickets().stats());
    CompletableFuture<Long> revoked = async(() -> stores.revocations().size());
    CompletableFuture<Boolean> ready = async(() -> stores.readiness().ready());
    return CompletableFuture.allOf(stats, revoked, ready)
        .handle(
            (done, failure) -> {
              TicketStats s = valueOrNull(stats);
              Long r = valueOrNull(revoked);
              Boolean up = valueOrNull(ready);
              return new Reading(
                  s == null ? Double.NaN : s.active(),
                  s == null ? Double.NaN : s.used(),
                  r == null ? Double.NaN : r,
                  Boolean.TRUE.equals(up) ? 1 : 0);
            });
  }

  private <T> CompletableFuture<T> async(Supplier<T> read) {
    return CompletableFuture.supplyAsync(read, readers);
  }

  private static <T> T valueOrNull(CompletableFuture<T> future) {
    return future.isCompletedExceptionally() ? null : future.join();
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
