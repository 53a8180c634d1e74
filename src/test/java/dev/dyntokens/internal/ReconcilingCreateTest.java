package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.DeadlineExceededException;
import dev.dyntokens.RequestOptions;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.Token;
import dev.dyntokens.TokenCreator;
import dev.dyntokens.TokenInfo;
import dev.dyntokens.TokenMayExistException;
import dev.dyntokens.TokenScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Reconciled creates against a scripted server on virtual time, where the races that real networks
 * make rare can be set up exactly: a token that arrives after the deadline or after a cancel, and a
 * token the server makes long after the call gave up.
 */
class ReconcilingCreateTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration VERIFY = Duration.ofSeconds(5);
  private static final CreateTokenRequest REQUEST =
      CreateTokenRequest.of("deploy key", TokenScope.ENVIRONMENT_USERS_READ);

  private final ScriptedServer server = new ScriptedServer();
  private final BackgroundWork background = new BackgroundWork();
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

  @BeforeEach
  void useVirtualTime() {
    VirtualTimeScheduler.getOrSet(clock);
  }

  @AfterEach
  void stop() {
    background.close();
    VirtualTimeScheduler.reset();
  }

  private Mono<Token> create(RetryPolicy policy) {
    ClientConfig config =
        ClientConfig.builder()
            .baseUrl("http://127.0.0.1:8080/api/v0")
            .apiToken("dyn_test")
            .retryPolicy(policy)
            .build();
    Json json = new Json(MAPPER);
    CallFactory calls = new CallFactory(config, json, new ResponseReaders(json, null));
    CallEngine engine =
        new CallEngine(server, policy, ClientTelemetry.NONE, DeadlineTimer.PARALLEL);
    Call<Token> call = calls.create(null, REQUEST, RequestOptions.none());
    return Mono.defer(
        () ->
            new ReconcilingCreate(
                    engine, calls, background, null, REQUEST, call, RequestOptions.none())
                .run());
  }

  private static RetryPolicy policy(Duration deadline) {
    return RetryPolicy.builder()
        .reconcileCreates(true)
        .maxAttempts(3)
        .deadline(deadline)
        .noRetryBudget()
        .adaptiveThrottling(false)
        .build();
  }

  @Test
  void aTokenThatArrivesAfterTheDeadlineFiredIsRevokedAndTheFailureSaysItMayExist() {
    // The create's answer comes at 1.5 s, after the 1 s deadline, and ignores the cancel.
    server.onCreate = note -> server.answerIgnoringCancel(note, Duration.ofMillis(1500));

    StepVerifier.create(create(policy(Duration.ofSeconds(1))))
        .expectSubscription()
        .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(DeadlineExceededException.class);
              assertThat(TokenMayExistException.in(e)).isPresent();
            })
        .verify(VERIFY);
    clock.advanceTimeBy(Duration.ofMinutes(2));

    assertThat(server.made).hasSize(1);
    assertThat(server.live).as("the late token was revoked by its id").isEmpty();
    assertThat(server.deleted).containsExactlyElementsOf(server.made);
  }

  @Test
  void aTokenThatArrivesAfterTheCallerCancelledIsRevoked() {
    server.onCreate = note -> server.answerIgnoringCancel(note, Duration.ofMillis(800));

    StepVerifier.create(create(policy(Duration.ofSeconds(5))))
        .expectSubscription()
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(500)))
        .thenCancel()
        .verify(VERIFY);
    clock.advanceTimeBy(Duration.ofMinutes(2));

    assertThat(server.made).hasSize(1);
    assertThat(server.live).isEmpty();
  }

  @Test
  void aTokenTheServerMakesLongAfterTheCallGaveUpIsFoundAndRevokedInTheBackground() {
    // The request is cut off at the deadline; the server makes the token 12 s later.
    server.onCreate = note -> server.makeLaterAndNeverAnswer(note, Duration.ofSeconds(12));

    StepVerifier.create(create(policy(Duration.ofSeconds(1))))
        .expectSubscription()
        .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
        .expectErrorSatisfies(e -> assertThat(TokenMayExistException.in(e)).isPresent())
        .verify(VERIFY);
    assertThat(background.running()).isEqualTo(1);
    clock.advanceTimeBy(Duration.ofMinutes(2));

    assertThat(server.made).hasSize(1);
    assertThat(server.live).as("found by a later look, not only the one 2 s after").isEmpty();
    assertThat(background.running()).isZero();
  }

  @Test
  void aDeliveredTokenIsNeitherRevokedNorLookedForAgain() {
    server.onCreate = note -> server.answer(note, Duration.ofMillis(10));

    StepVerifier.create(create(policy(Duration.ofSeconds(5))))
        .expectSubscription()
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(10)))
        .assertNext(t -> assertThat(t.note()).isEqualTo("deploy key"))
        .expectComplete()
        .verify(VERIFY);
    clock.advanceTimeBy(Duration.ofMinutes(2));

    assertThat(server.live).hasSize(1);
    assertThat(server.deleted).isEmpty();
    assertThat(server.lists).isZero();
    assertThat(background.running()).isZero();
  }

  @Test
  void closingTheClientStopsItsBackgroundCleanUps() {
    server.onCreate = note -> server.makeLaterAndNeverAnswer(note, Duration.ofSeconds(12));

    StepVerifier.create(create(policy(Duration.ofSeconds(1))))
        .expectSubscription()
        .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
        .expectError()
        .verify(VERIFY);
    assertThat(background.running()).isEqualTo(1);

    background.close();
    clock.advanceTimeBy(Duration.ofMinutes(2));

    assertThat(background.running()).isZero();
    assertThat(server.lists).as("no look after close").isZero();
  }

  /** Creates, lists and deletes tokens in memory; each create does what the test scripts. */
  private static final class ScriptedServer implements CallEngine.Exchanges {
    final Map<String, TokenInfo> live = new ConcurrentHashMap<>();
    final List<String> made = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    volatile int lists;
    Function<String, Mono<Token>> onCreate = note -> Mono.never();

    @Override
    @SuppressWarnings("unchecked")
    public <T> Mono<T> run(Call<T> call, CallState state) {
      state.written = true;
      switch (call.operation) {
        case CREATE:
          return (Mono<T>) onCreate.apply(note(call.body));
        case RECONCILE_LIST:
          return Mono.fromCallable(
              () -> {
                lists++;
                return (T) new ArrayList<>(live.values());
              });
        case RECONCILE_DELETE:
          return Mono.fromRunnable(
              () -> {
                String id = call.url.substring(call.url.lastIndexOf('/') + 1);
                live.remove(id);
                deleted.add(id);
              });
        default:
          throw new AssertionError(call.operation);
      }
    }

    /** Makes the token and answers after {@code after}. */
    Mono<Token> answer(String note, Duration after) {
      return Mono.delay(after).map(x -> make(note));
    }

    /** Makes the token and answers after {@code after}, even when cancelled before. */
    Mono<Token> answerIgnoringCancel(String note, Duration after) {
      return Mono.from(
          subscriber -> {
            subscriber.onSubscribe(
                new Subscription() {
                  @Override
                  public void request(long n) {}

                  @Override
                  public void cancel() {}
                });
            Schedulers.parallel()
                .schedule(
                    () -> {
                      subscriber.onNext(make(note));
                      subscriber.onComplete();
                    },
                    after.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
          });
    }

    /** Makes the token after {@code after} and never answers. */
    Mono<Token> makeLaterAndNeverAnswer(String note, Duration after) {
      Schedulers.parallel()
          .schedule(() -> make(note), after.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return Mono.never();
    }

    private Token make(String note) {
      String id = UUID.randomUUID().toString();
      String raw = "dyn_" + id.replace("-", "");
      TokenCreator creator = new TokenCreator("u1", null, null, null, null);
      live.put(
          id,
          new TokenInfo(
              id,
              raw.substring(raw.length() - 6),
              creator,
              Instant.EPOCH,
              true,
              note,
              null,
              List.of()));
      made.add(id);
      return new Token(
          id,
          raw,
          raw.substring(raw.length() - 6),
          creator,
          Instant.EPOCH,
          true,
          note,
          null,
          List.of());
    }

    private static String note(byte[] body) {
      try {
        return MAPPER.readTree(body).get("note").asText();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
