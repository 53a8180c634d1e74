package dev.dyntokens.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;

/**
 * Applied to every test class (JUnit extension autodetection): installs BlockHound once, so any
 * blocking call on a Reactor or Netty thread fails the test that made it, and after each class
 * forces the leak detector to run and fails the class if Netty reported a leaked buffer. Surefire
 * runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class NettyLeakAndBlockingCheck implements BeforeAllCallback, AfterAllCallback {
  static {
    BlockHound.install(NettyLeakAndBlockingCheck::allowNettyAllocatorLocks);
  }

  /**
   * Netty 4.2's default allocator ({@code AdaptivePoolingAllocator}) guards each magazine with a
   * {@code StampedLock}; when an event loop grows the magazine array under contention it frees the
   * old magazines under their write lock and may park for the nanoseconds another thread holds it.
   * Netty's own BlockHound rules allow the same short critical sections of the older pooled
   * allocator ({@code PoolChunk.free}, {@code PoolArena.lock}) but not yet this one (Armeria allows
   * it too, line/armeria#6344). Allowed exactly there and nowhere else: any other park on an event
   * loop still fails the test.
   */
  private static void allowNettyAllocatorLocks(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    LogCapture.drainLeaks();
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty leak report(s) after "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n\n", leaks));
    }
  }

  /** Leaked buffers are reported when they are collected and the next buffer is allocated. */
  public static List<String> collectLeaks() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 64; j++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        a.release();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
        b.release();
        ByteBuf c = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        c.release();
      }
    }
    return LogCapture.drainLeaks();
  }
}
