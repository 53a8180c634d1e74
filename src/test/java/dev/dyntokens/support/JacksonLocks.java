package dev.dyntokens.support;

import com.fasterxml.jackson.databind.DeserializationContext;
import java.lang.reflect.Field;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Jackson's deserializer-cache lock, which a read takes only while it resolves a deserializer it
 * has not cached yet. A test holds it to prove a read on an event loop never needs it: parking on
 * it is what BlockHound reports when two event loops make their first read at once.
 */
public final class JacksonLocks {
  private JacksonLocks() {}

  /** The lock of the deserializer cache behind this context (shared by every read it makes). */
  public static ReentrantLock cacheLock(DeserializationContext context)
      throws ReflectiveOperationException {
    Object cache = field(DeserializationContext.class, "_cache").get(context);
    return (ReentrantLock) field(cache.getClass(), "_incompleteDeserializersLock").get(cache);
  }

  /** A declared field made readable, for the private state these tests look at. */
  public static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
