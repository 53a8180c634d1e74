package dev.dyntokens.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.dyntokens.support.JacksonLocks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void firstErrorBodyNeverWaitsForJacksonsDeserializerCacheLock() throws Exception {
    Json json = new Json(new ObjectMapper());
    ObjectReader reader = (ObjectReader) JacksonLocks.field(Json.class, "treeReader").get(json);
    ReentrantLock lock =
        JacksonLocks.cacheLock(
            (com.fasterxml.jackson.databind.DeserializationContext)
                JacksonLocks.field(ObjectReader.class, "_context").get(reader));
    byte[] body = "{\"error\":\"Invalid token\"}".getBytes(UTF_8);

    lock.lock();
    try {
      CompletableFuture<JsonNode> read =
          CompletableFuture.supplyAsync(() -> json.readErrorTree(body, body.length));
      assertThat(read.get(5, TimeUnit.SECONDS).get("error").textValue()).isEqualTo("Invalid token");
    } finally {
      lock.unlock();
    }
  }
}
