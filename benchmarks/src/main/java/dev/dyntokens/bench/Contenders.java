package dev.dyntokens.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.Jackson2JsonDecoder;
import org.springframework.http.codec.json.Jackson2JsonEncoder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The non-client contenders, each doing one create over HTTP: serialize the body, POST it with the
 * bearer token, read the whole answer, check the status and databind it into {@link WireModel}
 * records.
 */
final class Contenders {
  private Contenders() {}

  /**
   * The "floor" Reactor Netty client: as many event-loop threads as the client's own default
   * (availableProcessors) and a pool of 512 connections, as the client's default pool.
   */
  static final class Floor implements AutoCloseable {
    final LoopResources loops;
    final ConnectionProvider pool;
    final HttpClient http;

    Floor() {
      this(null);
    }

    /**
     * Over TLS with this provider when not null (trusting through the JVM's default trust store,
     * see {@link BenchTls}), else plain HTTP.
     */
    Floor(@Nullable SslProvider tls) {
      this(tls, false);
    }

    private Floor(@Nullable SslProvider tls, boolean h2) {
      loops = LoopResources.create("floor", Runtime.getRuntime().availableProcessors(), true);
      pool =
          ConnectionProvider.builder("floor")
              .maxConnections(512)
              .pendingAcquireMaxCount(-1)
              .build();
      HttpClient plain = HttpClient.create(pool).runOn(loops);
      if (tls == null) {
        http = plain;
      } else if (h2) {
        http =
            plain
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(BenchTls.clientSpecAlpn(tls)));
      } else {
        http = plain.secure(spec -> spec.sslContext(BenchTls.clientSpec(tls)));
      }
    }

    /** HTTP/2 by ALPN over TLS with this provider (HTTP/1.1 if the server declines). */
    static Floor http2(SslProvider tls) {
      return new Floor(tls, true);
    }

    @Override
    public void close() {
      pool.disposeLater().block(Duration.ofSeconds(5));
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
  }

  /** Raw Reactor Netty + Jackson, the least work that still does the whole job. */
  static final class RawFloor {
    private final HttpClient http;
    private final ObjectMapper mapper = WireModel.mapper();
    private final String url;
    private final String authorization = "Bearer " + CannedAnswer.API_TOKEN;

    RawFloor(HttpClient http, String baseUrl) {
      this.http = http;
      this.url = baseUrl + "/user/tokens";
    }

    Mono<WireModel.WireToken> create() {
      return Mono.defer(
          () -> {
            byte[] body = write(mapper, WireModel.REQUEST);
            return http.post()
                .uri(url)
                .send(
                    (req, out) -> {
                      req.requestHeaders()
                          .set(HttpHeaderNames.AUTHORIZATION, authorization)
                          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                          .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                      return out.send(Mono.just(Unpooled.wrappedBuffer(body)));
                    })
                .responseSingle(
                    (res, content) -> {
                      if (res.status().code() != 200) {
                        return Mono.error(new IllegalStateException("status " + res.status()));
                      }
                      return content.asByteArray().map(bytes -> read(mapper, bytes));
                    });
          });
    }
  }

  /** Spring WebClient on the Reactor Netty connector with the Jackson 2 codecs. */
  static WebClient webClient(HttpClient http, String baseUrl) {
    ObjectMapper mapper = WireModel.mapper();
    return WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector(http))
        .codecs(
            c -> {
              c.defaultCodecs().jackson2JsonEncoder(new Jackson2JsonEncoder(mapper));
              c.defaultCodecs().jackson2JsonDecoder(new Jackson2JsonDecoder(mapper));
            })
        .baseUrl(baseUrl)
        .defaultHeader("Authorization", "Bearer " + CannedAnswer.API_TOKEN)
        .build();
  }

  static Mono<WireModel.WireToken> webClientCreate(WebClient web) {
    return web.post()
        .uri("/user/tokens")
        .contentType(MediaType.APPLICATION_JSON)
        .accept(MediaType.APPLICATION_JSON)
        .bodyValue(WireModel.REQUEST)
        .retrieve() // fails on 4xx/5xx
        .bodyToMono(WireModel.Created.class)
        .map(WireModel::check);
  }

  /** java.net.http.HttpClient, HTTP/1.1, sendAsync with a byte-array body handler. */
  static final class Jdk {
    private final java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper mapper = WireModel.mapper();
    private final URI uri;

    Jdk(String baseUrl) {
      this.uri = URI.create(baseUrl + "/user/tokens");
    }

    CompletableFuture<WireModel.WireToken> create() {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + CannedAnswer.API_TOKEN)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(write(mapper, WireModel.REQUEST)))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .thenApply(
              res -> {
                if (res.statusCode() != 200) {
                  throw new IllegalStateException("status " + res.statusCode());
                }
                return read(mapper, res.body());
              });
    }
  }

  static byte[] write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WireModel.WireToken read(ObjectMapper mapper, byte[] bytes) {
    try {
      return WireModel.check(mapper.readValue(bytes, WireModel.Created.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
