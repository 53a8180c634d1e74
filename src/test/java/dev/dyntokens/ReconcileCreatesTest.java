package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * Reconciling creates against a small stateful fake: the server makes the token and then drops the
 * connection, so only the client's clean-up stands between the caller and an orphaned secret.
 */
class ReconcileCreatesTest extends MockServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration VERIFY = Duration.ofSeconds(10);

  private MiniFake fake;

  @BeforeEach
  void installFake() {
    fake = new MiniFake();
    server.setDispatcher(fake);
  }

  private ReactiveTokenClient reconciling(int maxAttempts) {
    client.close();
    client =
        Fixtures.clientFor(server)
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(maxAttempts)
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(5))
                    .throttledBackoff(Duration.ofMillis(5))
                    .reconcileCreates(true)
                    .build())
            .build();
    return client;
  }

  @Test
  void aCreateDroppedAfterTheServerMadeTheTokenLeavesExactlyTheDeliveredTokenLive() {
    fake.dropPosts = 1;

    Token token =
        reconciling(3)
            .createToken(CreateTokenRequest.of("ci deploy", TokenScope.ENVIRONMENT_USERS_READ))
            .block(VERIFY);

    assertThat(token).isNotNull();
    assertThat(token.note()).isEqualTo("ci deploy");
    assertThat(fake.live).containsOnlyKeys(token.id());
    assertThat(fake.requests)
        .containsExactly(
            "POST /api/v0/user/tokens",
            "GET /api/v0/user/tokens",
            "DELETE /api/v0/user/tokens/" + fake.made.get(0),
            "POST /api/v0/user/tokens");
    // Each attempt carried its own marker after the caller's note.
    assertThat(fake.postedNotes)
        .hasSize(2)
        .allSatisfy(n -> assertThat(n).startsWith("ci deploy #"));
    assertThat(fake.postedNotes.get(0)).isNotEqualTo(fake.postedNotes.get(1));
  }

  @Test
  void whenEveryAttemptIsDroppedEveryTokenMadeIsRevokedAndNoneIsSaidToExist() {
    fake.dropPosts = Integer.MAX_VALUE;

    StepVerifier.create(reconciling(2).createToken(CreateTokenRequest.of("ci deploy")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ConnectionClosedException.class);
              assertThat(TokenMayExistException.in(e)).isEmpty();
            })
        .verify(VERIFY);
    assertThat(fake.made).hasSize(2);
    assertThat(fake.live).isEmpty();
  }

  @Test
  void tokensOfOtherCallsWithTheSameNoteAreLeftAlone() {
    fake.live.put("other-1", "ci deploy");
    fake.live.put("other-2", "ci deploy #abcdefghijkl");
    fake.dropPosts = 1;

    Token token = reconciling(3).createToken(CreateTokenRequest.of("ci deploy")).block(VERIFY);

    assertThat(token).isNotNull();
    assertThat(fake.live).containsOnlyKeys("other-1", "other-2", token.id());
  }

  @Test
  void cancellingACreateRevokesTheTokenTheServerMadeForIt() throws Exception {
    fake.slowPosts = true;
    Disposable call = reconciling(3).createToken(CreateTokenRequest.of("ci deploy")).subscribe();
    assertThat(fake.posted.await(5, TimeUnit.SECONDS)).isTrue();

    call.dispose();

    assertThat(fake.deleted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fake.made).hasSize(1);
    assertThat(fake.live).isEmpty();
  }

  /** Create, list and delete over an in-memory map; the first {@code dropPosts} creates drop. */
  private static final class MiniFake extends Dispatcher {
    final Map<String, String> live = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<String> made = Collections.synchronizedList(new ArrayList<>());
    final List<String> postedNotes = Collections.synchronizedList(new ArrayList<>());
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger posts = new AtomicInteger();
    final CountDownLatch posted = new CountDownLatch(1);
    final CountDownLatch deleted = new CountDownLatch(1);
    volatile int dropPosts;
    volatile boolean slowPosts;

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      requests.add(request.getMethod() + " " + path);
      try {
        switch (request.getMethod()) {
          case "POST":
            {
              String note = MAPPER.readTree(request.getBody().utf8()).get("note").asText();
              String id = UUID.randomUUID().toString();
              postedNotes.add(note);
              made.add(id);
              live.put(id, note);
              posted.countDown();
              if (slowPosts) {
                ObjectNode body = (ObjectNode) MAPPER.readTree(Fixtures.CREATED_BODY);
                ((ObjectNode) body.get("token")).put("id", id).put("note", note);
                return Fixtures.json(200, MAPPER.writeValueAsString(body))
                    .newBuilder()
                    .headersDelay(3, TimeUnit.SECONDS)
                    .build();
              }
              if (posts.incrementAndGet() <= dropPosts) {
                // The token exists now; the answer never arrives.
                return new MockResponse.Builder()
                    .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
                    .build();
              }
              ObjectNode body = (ObjectNode) MAPPER.readTree(Fixtures.CREATED_BODY);
              ((ObjectNode) body.get("token")).put("id", id).put("note", note);
              return Fixtures.json(200, MAPPER.writeValueAsString(body));
            }
          case "GET":
            {
              ObjectNode body = MAPPER.createObjectNode();
              ArrayNode tokens = body.putArray("tokens");
              synchronized (live) {
                live.forEach(
                    (id, note) -> {
                      ObjectNode t = tokens.addObject();
                      t.put("id", id).put("checksum", "4n3LFC").put("note", note);
                      t.putObject("createdBy").put("id", "u1");
                      t.put("createdAt", "2023-11-07T05:31:56Z");
                    });
              }
              return Fixtures.json(200, MAPPER.writeValueAsString(body));
            }
          case "DELETE":
            {
              String id = path.substring(path.lastIndexOf('/') + 1);
              boolean removed = live.remove(id) != null;
              deleted.countDown();
              return removed
                  ? new MockResponse.Builder().code(204).build()
                  : Fixtures.json(404, "{\"error\":\"not found\",\"code\":\"not_found\"}");
            }
          default:
            return Fixtures.json(405, "{\"error\":\"method\"}");
        }
      } catch (Exception e) {
        return Fixtures.json(500, "{\"error\":\"fake: " + e.getClass().getSimpleName() + "\"}");
      }
    }
  }
}
