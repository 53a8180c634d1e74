package dev.dyntokens.internal;

import io.netty.handler.codec.http.HttpMethod;

/** What a call does, which decides its method, its name in telemetry and what a retry may risk. */
enum Operation {
  /** Repeating it after an ambiguous failure could make a second token. */
  CREATE("create", HttpMethod.POST),
  /** Repeating it changes nothing. */
  LIST("list", HttpMethod.GET),
  /** Repeating it is safe, and a 404 after an ambiguous attempt means it worked. */
  DELETE("delete", HttpMethod.DELETE),
  /** Introspects the API token in use ({@code GET /tokens/me}). */
  CURRENT_TOKEN("current_token", HttpMethod.GET),
  /** A list made by a reconciled create to find the tokens its ambiguous attempts made. */
  RECONCILE_LIST("reconcile_list", HttpMethod.GET),
  /** A delete made by a reconciled create to revoke a token it did not deliver. */
  RECONCILE_DELETE("reconcile_delete", HttpMethod.DELETE);

  /** The operation's name in telemetry. */
  final String telemetryName;

  final HttpMethod method;

  Operation(String telemetryName, HttpMethod method) {
    this.telemetryName = telemetryName;
    this.method = method;
  }

  boolean isCreate() {
    return this == CREATE;
  }

  boolean isDelete() {
    return method == HttpMethod.DELETE;
  }
}
