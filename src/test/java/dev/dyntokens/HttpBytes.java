package dev.dyntokens;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

/** The bytes of HTTP/1.1 answers, well-formed or not, for {@link RawHttpServer} scripts. */
final class HttpBytes {
  private HttpBytes() {}

  /** Status line, headers, blank line and body; the head in ISO-8859-1, any byte as itself. */
  static byte[] response(String statusLine, List<String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(statusLine).append("\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    head.append("\r\n");
    return concat(head.toString().getBytes(ISO_8859_1), body);
  }

  static List<String> jsonHeaders(long length) {
    return List.of("Content-Type: application/json", "Content-Length: " + length);
  }

  static byte[] chunkedResponse(String statusLine, byte[] body, SplittableRandom r, int maxChunk) {
    return concat(
        ascii(
            statusLine
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"),
        chunkedBody(body, r, maxChunk));
  }

  /** The body in chunks of 1 to {@code maxChunk} bytes, then the last chunk. */
  static byte[] chunkedBody(byte[] body, SplittableRandom r, int maxChunk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 2 + 16);
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + r.nextInt(maxChunk));
      out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
      out.write(body, at, n);
      out.writeBytes(ascii("\r\n"));
      at += n;
    }
    out.writeBytes(ascii("0\r\n\r\n"));
    return out.toByteArray();
  }

  static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int j = 0; j < n; j++) {
      b[j] = (byte) r.nextInt(256);
    }
    return b;
  }

  static byte[] ascii(String s) {
    return s.getBytes(ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Where {@code needle} first starts in {@code haystack}. */
  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }
}
