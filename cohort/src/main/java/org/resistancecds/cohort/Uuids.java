package org.resistancecds.cohort;

import java.util.Random;
import java.util.UUID;

/** Version-4-shaped UUIDs drawn from the cohort's seeded Random, so a seed always gives the same Bundles. */
final class Uuids {

    private Uuids() {}

    static String urn(Random random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "urn:uuid:" + new UUID(high, low);
    }
}
