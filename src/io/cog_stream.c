/*
 * cog_stream.c — writes a run of compressed COG tiles into the output file
 * while the rank goes on compressing (cog_write.c, "streaming").
 *
 * Each record carries its offset in the file (the overview tiles of the
 * rank, then its leading full-resolution tiles). One POSIX thread takes
 * them from a queue in the order pushed and pwrite()s each; it computes
 * nothing, so it waits on the disk (and on the kernel's write-back
 * throttling of dirty pages) instead of the rank. It
 * makes no MPI or library calls: an error is kept as an errno and reported
 * by the rank when it closes the stream. A pushed buffer belongs to the
 * stream, which frees it once written: a rank that streams holds only the
 * tiles still queued, and the memory they give back is what the page cache
 * takes for the next ones (cog_write.c, write_tiles).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io/cog_internal.h"

typedef struct {
    unsigned char *p;
    size_t n;
    uint64_t at; /* offset in the file */
} record;

struct sx__cog_stream {
    int fd;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    record *q;
    int64_t nq, cap, done; /* pushed, room, written */
    int closing, failed_errno;
    int64_t written;
};

int sx__cog_pwritev_all(int fd, struct iovec *iov, int n, uint64_t at)
{
    while (n > 0) {
        ssize_t w = pwritev(fd, iov, n, (off_t)at);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return w < 0 ? errno : EIO;
        at += (uint64_t)w;
        while (n > 0 && (size_t)w >= iov->iov_len) w -= (ssize_t)iov->iov_len, iov++, n--;
        if (n > 0) iov->iov_base = (unsigned char *)iov->iov_base + w, iov->iov_len -= (size_t)w;
    }
    return 0;
}

static void *writer(void *arg)
{
    sx__cog_stream_t *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->done == s->nq && !s->closing) pthread_cond_wait(&s->cv, &s->mu);
        if (s->done == s->nq) break; /* closing and all written */
        record r = s->q[s->done];
        pthread_mutex_unlock(&s->mu);
        struct iovec v = {r.p, r.n};
        int e = sx__cog_pwritev_all(s->fd, &v, 1, r.at);
        free(r.p);
        pthread_mutex_lock(&s->mu);
        if (!e) s->written += (int64_t)r.n;
        s->done++;
        if (e && !s->failed_errno) s->failed_errno = e;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

sx_err sx__cog_stream_open(const char *path, int64_t max_records, sx__cog_stream_t **out)
{
    *out = NULL;
    sx__cog_stream_t *s = calloc(1, sizeof *s);
    SX_FAIL_IF(!s, SX_ERR_NOMEM, "cannot allocate a COG write stream");
    s->q = malloc((size_t)(max_records > 0 ? max_records : 1) * sizeof *s->q);
    s->cap = max_records;
    s->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (!s->q || s->fd < 0) {
        int e = errno;
        if (s->fd >= 0) close(s->fd);
        free(s->q);
        free(s);
        SX_FAIL(SX_ERR_IO, "cannot open '%s' to write COG tiles: %s", path, strerror(e));
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    int rc = pthread_create(&s->thread, NULL, writer, s);
    if (rc) {
        close(s->fd);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s->q);
        free(s);
        SX_FAIL(SX_ERR_IO, "cannot start the COG writer thread: %s", strerror(rc));
    }
    *out = s;
    return SX_OK;
}

void sx__cog_stream_push(sx__cog_stream_t *s, uint64_t at, unsigned char *p, size_t n)
{
    pthread_mutex_lock(&s->mu);
    if (s->nq < s->cap) s->q[s->nq++] = (record){p, n, at};
    else { /* more records than the stream was opened for: a caller's bug, reported on close */
        free(p);
        if (!s->failed_errno) s->failed_errno = EOVERFLOW;
    }
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

sx_err sx__cog_stream_close(sx__cog_stream_t **sp, int64_t *written)
{
    sx__cog_stream_t *s = *sp;
    if (!s) return SX_OK;
    *sp = NULL;
    pthread_mutex_lock(&s->mu);
    s->closing = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    int e = s->failed_errno;
    if (close(s->fd) && !e) e = errno;
    *written += s->written;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->q);
    free(s);
    SX_FAIL_IF(e, SX_ERR_IO, "cannot write COG tiles: %s; check the free space and quota of the output directory",
               strerror(e));
    return SX_OK;
}
