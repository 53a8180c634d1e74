package dev.dyntokens.testing;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The fake's tokens: one lock-free collection per owner (the user, or an environment), each with
 * its own live-token limit.
 */
final class TokenStore {
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String USER = "";

  private final Clock clock;
  private final int maxLiveTokens;
  private final boolean store;
  private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder created = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder live = new LongAdder();

  TokenStore(Clock clock, int maxLiveTokens, boolean store) {
    this.clock = clock;
    this.maxLiveTokens = maxLiveTokens;
    this.store = store;
  }

  /** A created token and its secret. */
  record Created(FakeToken token, String rawToken) {}

  /** Creates a token, or returns null if its owner already holds the maximum. */
  @Nullable Created create(@Nullable String environmentId, String note, List<String> scopes) {
    Owner owner = owner(environmentId);
    if (store && owner.count.incrementAndGet() > maxLiveTokens) {
      owner.count.decrementAndGet();
      return null;
    }
    String raw = rawToken();
    FakeToken token =
        new FakeToken(
            uuid(),
            note,
            scopes,
            environmentId,
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            raw.substring(raw.length() - 6));
    if (store) {
      owner.tokens.put(token.id(), new Stored(token, sequence.incrementAndGet()));
      live.increment();
    }
    created.increment();
    return new Created(token, raw);
  }

  /** The owner's tokens, oldest first. */
  List<FakeToken> list(@Nullable String environmentId) {
    Owner owner = owners.get(key(environmentId));
    return owner == null ? List.of() : sorted(owner.tokens.values());
  }

  /** Deletes a token; false if the owner has no token with this id. */
  boolean delete(@Nullable String environmentId, String tokenId) {
    Owner owner = owners.get(key(environmentId));
    if (owner == null || owner.tokens.remove(tokenId) == null) {
      return false;
    }
    owner.count.decrementAndGet();
    live.decrement();
    deleted.increment();
    return true;
  }

  /** All live tokens, oldest first. */
  List<FakeToken> all() {
    List<Stored> all = new ArrayList<>();
    owners.values().forEach(o -> all.addAll(o.tokens.values()));
    return sorted(all);
  }

  long created() {
    return created.sum();
  }

  long deleted() {
    return deleted.sum();
  }

  long live() {
    return live.sum();
  }

  private Owner owner(@Nullable String environmentId) {
    String key = key(environmentId);
    Owner owner = owners.get(key);
    return owner != null ? owner : owners.computeIfAbsent(key, k -> new Owner());
  }

  private static String key(@Nullable String environmentId) {
    return environmentId == null ? USER : "env:" + environmentId;
  }

  private static List<FakeToken> sorted(java.util.Collection<Stored> tokens) {
    List<Stored> copy = new ArrayList<>(tokens);
    copy.sort(Comparator.comparingLong(Stored::sequence));
    List<FakeToken> out = new ArrayList<>(copy.size());
    copy.forEach(s -> out.add(s.token()));
    return out;
  }

  private static String rawToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] chars = new char[40];
    "dyn_".getChars(0, 4, chars, 0);
    for (int i = 4; i < chars.length; i++) {
      chars[i] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
    }
    return new String(chars);
  }

  /** A random (version 4) UUID; not for secrets, so the fast thread-local random will do. */
  private static String uuid() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(high, low).toString();
  }

  private record Stored(FakeToken token, long sequence) {}

  private static final class Owner {
    final ConcurrentHashMap<String, Stored> tokens = new ConcurrentHashMap<>();
    final AtomicInteger count = new AtomicInteger();
  }
}
