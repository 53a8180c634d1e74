package dev.dyntokens.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The text of an error body that is not the API's JSON, as ErrorMapping describes it. */
class ErrorBodyTextTest {
  private static final HttpHeaders HTML =
      new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "text/html");

  private static ResponseBodies.Body body(String text) {
    byte[] bytes = text.getBytes(UTF_8);
    ResponseBodies.Body body = new ResponseBodies.Body(bytes.length);
    System.arraycopy(bytes, 0, body.bytes, 0, bytes.length);
    body.length = bytes.length;
    return body;
  }

  /** The regular expressions the text was stripped with before: the reference output. */
  private static String strippedByRegex(String text) {
    String t = text.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ");
    return t.replaceAll("<[^>]*>", " ").replaceAll("[\\p{Cntrl}\\s\\uFFFD]+", " ").strip();
  }

  @ParameterizedTest
  @ValueSource(strings = {"<", "<script", "<style", "<script>", "<style x>", "<a<b", "<script<"})
  void aHostileErrorBodyOfTagOpenersIsDescribedInLinearTime(String unit) {
    String hostile = unit.repeat(ResponseBodies.MAX_ERROR_BODY / unit.length() + 1);
    hostile = hostile.substring(0, ResponseBodies.MAX_ERROR_BODY);
    ResponseBodies.Body b = body(hostile);
    b.truncated = true;
    String warm = ErrorMapping.describeBody(502, HTML, b, "sk_test_secret");
    ErrorMapping.describeBody(502, HTML, b, "sk_test_secret");

    long start = System.nanoTime();
    String described = ErrorMapping.describeBody(502, HTML, b, "sk_test_secret");
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(millis).as("milliseconds to describe 16 KiB of %s", unit).isLessThan(50);
    assertThat(described).isEqualTo(warm).startsWith("Bad Gateway (text/html body of over 16384");
    assertThat(described.length()).isLessThan(400);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx"
            + "</body></html>",
        "<html><head><style type=\"text/css\">body{color:red}</style><script>var a = 1 < 2;"
            + "</script></head><body>\n\t<p>Service   Unavailable</p>\r\n<!-- a comment -->"
            + "<SCRIPT>kept</SCRIPT><scripts>x</scripts><stylesheet></style>y</body></html>",
        "plain text\u0000with\u0007controls\uFFFDand  spaces <unclosed",
        "a < b and c > d, <script>no closer",
        "<script>one</style>two</script>three<style>four</script>five</style>six",
        "\u2003 leading em space <b>bold</b> trailing \u2003"
      })
  void theTextOfAnHtmlBodyIsTheSameAsTheRegularExpressionsMadeIt(String html) {
    assertThat(ErrorMapping.stripTags(html)).isEqualTo(strippedByRegex(html));
  }

  @org.junit.jupiter.api.Test
  void theTextOfRandomTagSoupIsTheSameAsTheRegularExpressionsMadeIt() {
    String[] pieces = {
      "<",
      ">",
      "</",
      "script",
      "style",
      "<script",
      "</script>",
      "<style",
      "</style>",
      " ",
      "\n",
      "\t",
      "a",
      "é",
      "\uFFFD",
      "\u0001",
      "/",
      "x>",
      "<b>",
      "\u2003"
    };
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(20);
      for (int j = 0; j < n; j++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      String html = sb.toString();
      assertThat(ErrorMapping.stripTags(html)).as("%s", html).isEqualTo(strippedByRegex(html));
    }
  }
}
