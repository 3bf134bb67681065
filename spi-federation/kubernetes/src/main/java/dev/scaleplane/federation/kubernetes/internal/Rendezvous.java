package dev.scaleplane.federation.kubernetes.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rendezvous (highest random weight) hashing: a key belongs to the member with the highest weight
 * {@code hash(member, key)}. Every replica that sees the same members computes the same owner without talking to the
 * others, and a member joining or leaving moves only the keys it wins or held (about {@code 1/n} of them), never keys
 * between the members that stay.
 *
 * <p>The weight is a 64-bit FNV-1a hash of {@code member}, a separator and {@code key}, passed through the
 * SplitMix64 finalizer so that similar names (replica-1, replica-2) spread evenly. Stable across JVMs and versions:
 * replicas of different builds agree.
 *
 * <p>Stateless and thread-safe.
 */
public final class Rendezvous {
    private Rendezvous() {}

    /** The member that owns {@code key}, or null when there are no members. Ties go to the smaller name. */
    public static @Nullable String owner(String key, Collection<String> members) {
        Objects.requireNonNull(key, "key");
        String best = null;
        long bestWeight = 0;
        for (String m : members) {
            long w = weight(m, key);
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0 || (w == bestWeight && m.compareTo(best) < 0)) {
                best = m;
                bestWeight = w;
            }
        }
        return best;
    }

    /** The weight of {@code key} for {@code member}. */
    static long weight(String member, String key) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0x1F) * 0x100000001b3L; // a separator no name contains: ("ab","c") and ("a","bc") differ
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
