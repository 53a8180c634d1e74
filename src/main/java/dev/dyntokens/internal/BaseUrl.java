package dev.dyntokens.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The base URL's checks, and what the client takes from it: the address to connect to, found
 * without DNS for literals and loopback names. Messages never show a URL's userinfo, query or
 * fragment.
 */
final class BaseUrl {
  private BaseUrl() {}

  /**
   * Returns the base URL without a trailing slash.
   *
   * <p>Messages describe a refused URL by {@link #describe(URI) its scheme, host, port and path}
   * only: its userinfo, query or fragment may hold a secret (a password, an API key).
   *
   * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host, has
   *     userinfo, a query or a fragment, or is plain http to a host that is not loopback
   */
  static String normalize(String baseUrl) {
    requireNonNull(baseUrl, "baseUrl == null");
    URI uri;
    try {
      uri = new URI(baseUrl);
    } catch (URISyntaxException e) {
      // Not the exception itself as a cause: its message quotes the whole input.
      throw new IllegalArgumentException(
          "baseUrl is not a valid URL: "
              + e.getReason()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "baseUrl must start with https:// but was " + describe(uri));
    }
    if (uri.getRawUserInfo() != null || hasUserInfo(uri.getRawAuthority())) {
      throw new IllegalArgumentException(
          "baseUrl must not have a user or password (user:password@): " + describe(uri));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must name a valid host: " + describe(uri));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not have a "
              + (uri.getRawQuery() != null ? "query" : "fragment")
              + ": "
              + describe(uri));
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException(
          "baseUrl must have a port from 1 to 65535 but has " + port + ": " + describe(uri));
    }
    if (uri.getRawAuthority() != null && uri.getRawAuthority().endsWith(":")) {
      throw new IllegalArgumentException("baseUrl has an empty port: " + describe(uri));
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "baseUrl must use https: plain http would send the API token in clear text to "
              + uri.getHost()
              + " (http is allowed only for loopback hosts such as localhost or 127.0.0.1)");
    }
    String normalized = baseUrl;
    while (normalized.endsWith("/")) {
      normalized = normalized.substring(0, normalized.length() - 1);
    }
    return normalized;
  }

  /** Longest path shown when a base URL is refused. */
  private static final int MAX_DESCRIBED_PATH = 200;

  /**
   * A refused base URL as a message may show it: scheme, host, port and path, and never userinfo,
   * query or fragment (nor the rest of an opaque URI such as {@code mailto:}), which may hold a
   * secret. An authority that is not a host and port is not shown either.
   */
  static String describe(URI uri) {
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append(':');
    }
    if (uri.isOpaque()) {
      return sb.append("<rest not shown>").toString();
    }
    if (uri.getRawAuthority() != null) {
      sb.append("//");
      if (uri.getHost() == null) {
        sb.append("<invalid host>");
      } else {
        sb.append(uri.getHost());
        if (uri.getPort() != -1) {
          sb.append(':').append(uri.getPort());
        }
      }
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    sb.append(ErrorMapping.clip(path, MAX_DESCRIBED_PATH));
    return sb.toString();
  }

  /** Whether an authority the URI parser did not read as a server still has userinfo. */
  private static boolean hasUserInfo(@Nullable String rawAuthority) {
    return rawAuthority != null && rawAuthority.indexOf('@') >= 0;
  }

  /** The address of the base URL's host and port; see {@code ClientConfig.remoteAddress}. */
  static InetSocketAddress remoteAddress(URI uri) {
    int port =
        uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost();
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    String lower = bare.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.endsWith(".localhost")) {
      // RFC 6761: these names are loopback; asking DNS could send the token somewhere else.
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
    if (looksLikeIpLiteral(lower)) {
      try {
        return new InetSocketAddress(InetAddress.getByName(bare), port); // a literal: no lookup
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("baseUrl has an invalid address: " + host, e);
      }
    }
    return InetSocketAddress.createUnresolved(bare, port);
  }

  /** Loopback by name or literal only: no DNS lookup here, which would block. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!looksLikeIpLiteral(h)) {
      return false;
    }
    try {
      // A literal address is parsed without any lookup.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean looksLikeIpLiteral(String h) {
    if (h.isEmpty()) {
      return false;
    }
    if (h.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
