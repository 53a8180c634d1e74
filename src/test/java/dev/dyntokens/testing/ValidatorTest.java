package dev.dyntokens.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.support.JacksonLocks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class ValidatorTest {
  @Test
  void firstRequestBodyNeverWaitsForJacksonsDeserializerCacheLock() throws Exception {
    ObjectMapper mapper = (ObjectMapper) JacksonLocks.field(Validator.class, "MAPPER").get(null);
    ReentrantLock lock = JacksonLocks.cacheLock(mapper.getDeserializationContext());
    byte[] body = "{\"note\":\"ci\",\"scopes\":[\"environment.users.read\"]}".getBytes(UTF_8);

    lock.lock();
    try {
      CompletableFuture<Validator.Parsed> parsed =
          CompletableFuture.supplyAsync(() -> Validator.parse(body));
      Validator.Parsed p = parsed.get(5, TimeUnit.SECONDS);
      assertThat(p.error()).isNull();
      assertThat(p.note()).isEqualTo("ci");
    } finally {
      lock.unlock();
    }
  }
}
