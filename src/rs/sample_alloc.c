/*
 * sample_alloc.c — how many sample units each stratum (map class) of an
 * accuracy sample gets.
 *
 * Equal allocation gives every class the same n. Otherwise the allocation
 * Olofsson, Foody, Herold, Stehman, Woodcock & Wulder (2014, Remote Sens.
 * Environ. 148:42-57, doi:10.1016/j.rse.2014.02.015, sections 5.1-5.2)
 * recommend for a total sample size n: proportional allocation (Cochran
 * 1977, Sampling Techniques, 3rd ed., chapter 5: n_h = n A_h / A) would
 * leave the rare classes too few units to estimate their user's accuracy,
 * so each rare class gets a fixed minimum (the paper suggests 50-100) and
 * the rest of the sample goes to the other classes in proportion to their
 * mapped area. Here "rare" is decided by the numbers: a class whose
 * proportional share of what is left falls below the minimum gets the
 * minimum, and the shares of the others are recomputed, until none falls
 * below it. Every share is then at least the minimum, and the paper's
 * worked example (section 5: 200 000, 150 000, 3 200 000 and 6 450 000
 * pixels, n = 640, 75 for each change class) comes out as 75, 75, 162, 328
 * (the paper's own sample, table 8, has 165 and 325 there).
 *
 * Rounding: the proportional shares R A_h / S are split into whole parts
 * and remainders in exact integer arithmetic (128-bit products); the units
 * the whole parts leave over go to the largest remainders, ties to the
 * lower class (Hamilton's largest-remainder method), so the sizes add up to
 * the total exactly and do not depend on floating-point rounding.
 */
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_rs_series.h"

typedef unsigned __int128 u128;

/* The proportional split of r units among the strata with !fixed[h]. */
static void proportional(int k, const int64_t *a, const unsigned char *fixed, int64_t r, int64_t *n)
{
    u128 s = 0;
    for (int h = 0; h < k; h++)
        if (!fixed[h]) s += (u128)a[h];
    int64_t given = 0;
    u128 rem[256];
    for (int h = 0; h < k; h++) {
        if (fixed[h]) continue;
        const u128 p = (u128)r * (u128)a[h];
        n[h] = (int64_t)(p / s);
        rem[h] = p % s;
        given += n[h];
    }
    for (int64_t left = r - given; left > 0; left--) {
        int best = -1;
        for (int h = 0; h < k; h++)
            if (!fixed[h] && rem[h] != (u128)-1 && (best < 0 || rem[h] > rem[best])) best = h;
        n[best]++;
        rem[best] = (u128)-1; /* one extra unit per stratum at most: left < number of strata */
    }
}

sx_err sx_rs_sample_allocate(int k, const int64_t *mapped, int64_t per_class, int64_t total, int64_t min_per_class,
                             int64_t *n)
{
    SX_FAIL_IF(k < 1 || k > 255, SX_ERR_INPUT, "the map has %d classes; a sample needs 1 .. 255", k);
    for (int h = 0; h < k; h++)
        SX_FAIL_IF(mapped[h] < 1, SX_ERR_INTERNAL, "stratum %d has %lld mapped pixels", h, (long long)mapped[h]);
    if (per_class > 0) {
        for (int h = 0; h < k; h++) n[h] = per_class;
        return SX_OK;
    }
    SX_FAIL_IF(min_per_class < 0 || total < 1, SX_ERR_USAGE, "give a total sample size of at least 1 and a minimum per "
               "class of at least 0 (got %lld and %lld)", (long long)total, (long long)min_per_class);
    SX_FAIL_IF(total / k < min_per_class, SX_ERR_USAGE,
               "--total %lld cannot give each of the %d mapped classes --min-per-class %lld (that needs %lld); raise "
               "--total or lower --min-per-class", (long long)total, k, (long long)min_per_class,
               (long long)(k * min_per_class));
    /* Fixing a class at the minimum lowers the others' units per pixel (its
     * proportional share was below the minimum), so a class below the minimum
     * stays below it: fixing all of them at once is the same as one by one. */
    unsigned char fixed[256];
    memset(fixed, 0, sizeof fixed);
    int nfixed = 0, changed = 1;
    while (changed) {
        changed = 0;
        const int64_t r = total - min_per_class * nfixed;
        u128 s = 0;
        for (int h = 0; h < k; h++)
            if (!fixed[h]) s += (u128)mapped[h];
        for (int h = 0; h < k; h++)
            if (!fixed[h] && (u128)r * (u128)mapped[h] < (u128)min_per_class * s) {
                fixed[h] = 1;
                n[h] = min_per_class;
                nfixed++;
                changed = 1;
            }
    }
    proportional(k, mapped, fixed, total - min_per_class * nfixed, n);
    return SX_OK;
}
