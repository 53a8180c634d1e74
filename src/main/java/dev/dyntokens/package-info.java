/**
 * A reactive, non-blocking client for the API-token endpoints of the Dynamic dashboard API.
 *
 * <p>Start with {@link dev.dyntokens.ReactiveTokenClient#builder()}. Every failure is a {@link
 * dev.dyntokens.TokenClientException}.
 */
@NullMarked
package dev.dyntokens;

import org.jspecify.annotations.NullMarked;
