package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard's rules on one connection, driven message by message. */
class ExchangeGuardTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ExchangeGuard guard = ExchangeGuard.install(channel);

  @AfterEach
  void releaseWhatIsLeft() {
    channel.finishAndReleaseAll();
  }

  @Test
  void installsOncePerConnection() {
    assertThat(ExchangeGuard.install(channel)).isSameAs(guard);
    assertThat(channel.pipeline().names())
        .containsSubsequence(InterimAnswers.NAME, ExchangeGuard.NAME);
  }

  @Test
  void answeredExchangesLeaveTheConnectionOpenForTheNext() {
    for (int i = 1; i <= 3; i++) {
      assertThat(guard.expect(TEN_SECONDS)).isEqualTo(i);
      assertThat(write(request()).isSuccess()).isTrue();
      answer();
    }
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void abandoningAnOpenExchangeClosesTheConnectionOnItsEventLoop() {
    int mine = guard.expect(TEN_SECONDS);
    write(request());

    guard.abandon(mine);
    assertThat(channel.isOpen()).as("closed on the event loop, not by the caller").isTrue();
    channel.runPendingTasks();

    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void abandoningAnExchangeThatAlreadyEndedLeavesTheNextOneAlone() {
    int first = guard.expect(TEN_SECONDS);
    write(request());
    answer();
    write(request());

    guard.abandon(first);
    channel.runPendingTasks();

    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void lateAnswerToAnAbandonedExchangeClosesTheConnectionAndIsNotPassedOn() {
    int mine = guard.expect(TEN_SECONDS);
    write(request());
    guard.abandon(mine);
    // The answer arrives before the close task runs.
    read(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ByteBuf body = Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8);
    read(new DefaultLastHttpContent(body));

    assertThat(channel.isOpen()).isFalse();
    assertThat(body.refCnt()).as("released").isZero();
    Object head = channel.readInbound();
    assertThat(head).isInstanceOf(DefaultHttpResponse.class);
    assertThat((Object) channel.readInbound()).as("the last part is not passed on").isNull();
  }

  @Test
  void requestWrittenWhileAnAnswerIsDueIsRefusedUnsentAndTheConnectionClosed() {
    write(request());
    DefaultFullHttpRequest second = request();

    ChannelFuture refused = write(second);

    assertThat(refused.cause()).isInstanceOf(StaleConnectionException.class);
    assertThat(second.refCnt()).as("released").isZero();
    assertThat(channel.isOpen()).isFalse();
    Object sent = channel.readOutbound();
    ReferenceCountUtil.release(sent);
    assertThat((Object) channel.readOutbound()).as("only the first request went out").isNull();
  }

  @Test
  void interimAnswerDoesNotEndTheExchange() {
    write(request());
    read(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    read(LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(write(request()).cause()).isInstanceOf(StaleConnectionException.class);
  }

  /** Through the pipeline, without EmbeddedChannel's rethrow of a close the guard made. */
  private ChannelFuture write(Object msg) {
    ChannelFuture f = channel.pipeline().writeAndFlush(msg);
    Object sent;
    while ((sent = channel.readOutbound()) != null) {
      ReferenceCountUtil.release(sent);
    }
    return f;
  }

  private void read(Object msg) {
    channel.pipeline().fireChannelRead(msg);
  }

  private void answer() {
    read(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    read(LastHttpContent.EMPTY_LAST_CONTENT);
    Object in;
    while ((in = channel.readInbound()) != null) {
      ReferenceCountUtil.release(in);
    }
  }

  private static DefaultFullHttpRequest request() {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        HttpMethod.POST,
        "/user/tokens",
        Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
  }
}
