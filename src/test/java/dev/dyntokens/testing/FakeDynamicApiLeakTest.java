package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dyntokens.testing.FaultPlan.Target;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Every kind of answer and fault, then a garbage collection: Netty must report no leaked buffer.
 */
@Timeout(60)
class FakeDynamicApiLeakTest {

  @Test
  void noByteBufLeaksAcrossEveryAnswerAndFault() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      exerciseEveryFault();
      for (int i = 0; i < 5; i++) {
        System.gc();
        Thread.sleep(50);
        for (int j = 0; j < 100; j++) {
          ByteBufAllocator.DEFAULT.buffer(64).release();
        }
      }
      assertThat(appender.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(message -> message.contains("LEAK"));
    } finally {
      logger.detachAppender(appender);
    }
  }

  private static void exerciseEveryFault() throws Exception {
    FaultKind[] kinds = FaultKind.values();
    FaultPlan plan =
        FaultPlan.builder()
            .delay(Duration.ofMillis(20))
            .oversizedBytes(64 * 1024)
            .script(Target.ALL, kinds)
            .script(Target.ALL, kinds)
            .build();
    try (FakeDynamicApi api = FakeDynamicApi.builder().faults(plan).start()) {
      Http http = new Http(api);
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < kinds.length * 2 + 20; i++) {
        calls.add(
            http.sendAsync(http.post("/user/tokens", createBody("n" + i), Duration.ofSeconds(1)))
                .handle((r, e) -> null));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get();
      http.get("/user/tokens");
      api.closeLater().block(Duration.ofSeconds(5));
    }
  }
}
