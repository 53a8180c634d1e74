package dev.dyntokens.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Clean-ups a call leaves running after it ended (revoking a token it could not deliver, looking
 * again for one an ambiguous attempt may still make). They belong to the client: closing it stops
 * them, and each one that is stopped or fails says so in the log, naming what may be left.
 */
final class BackgroundWork {
  private static final Logger log = Loggers.getLogger(BackgroundWork.class);

  private final Set<Disposable> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Runs {@code work} in the background.
   *
   * @param left what may be left behind if it does not finish, for the log; never a secret
   */
  void start(Mono<Void> work, String left) {
    if (closed) {
      log.warn("client closed, clean-up not started: {}", left);
      return;
    }
    Disposable.Swap handle = Disposables.swap();
    running.add(handle);
    handle.update(
        work.doFinally(signal -> running.remove(handle))
            .doOnCancel(() -> log.warn("clean-up stopped by close(): {}", left))
            .subscribe(
                null,
                e -> log.warn("clean-up failed ({}): {}", e.getClass().getSimpleName(), left)));
    if (closed) {
      handle.dispose();
    }
  }

  /** How many clean-ups are still running. */
  int running() {
    return running.size();
  }

  /** Stops every clean-up still running; later ones are not started. */
  void close() {
    closed = true;
    for (Disposable d : running) {
      d.dispose();
    }
    running.clear();
  }
}
