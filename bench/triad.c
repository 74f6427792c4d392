/*
 * bench/triad.c — memory bandwidth of this machine by the STREAM triad
 * a[i] = b[i] + s c[i] (McCalpin, "Memory Bandwidth and Machine Balance in
 * Current High Performance Computers", IEEE TCCA Newsletter, 1995), so the
 * flood solver's bytes per cell update can be set against what the memory
 * delivers. Not part of sanxiang; bench/flood2d.sh compiles and runs it.
 *
 * triad [N] — three arrays of N doubles (default 8e7, 1.9 GB: far beyond
 * any cache), initialised by the threads that use them (first touch,
 * static schedule), best of 10 repetitions. Prints GB/s counting 24 bytes
 * per element (STREAM's convention) and 32 (with the write-allocate read of
 * a that the hardware does for ordinary stores).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 80000000L;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b), *c = malloc((size_t)n * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "triad: cannot allocate 3 x %ld doubles\n", n);
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    double best = 1e30;
    for (int r = 0; r < 10; r++) {
        double t = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
        t = omp_get_wtime() - t;
        if (t < best) best = t;
    }
    printf("%d %.2f %.2f\n", omp_get_max_threads(), 24.0 * (double)n / best / 1e9, 32.0 * (double)n / best / 1e9);
    return a[n / 2] != 7.0; /* the result is used, and checked */
}
