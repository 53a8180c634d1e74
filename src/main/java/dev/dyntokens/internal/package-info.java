/**
 * Plumbing of the client: HTTP exchange, JSON, error mapping and retries. Not an API: anything here
 * may change in any release.
 */
@NullMarked
package dev.dyntokens.internal;

import org.jspecify.annotations.NullMarked;
