/* sim/sweep_merge.c: the merge process of a local sweep (see
 * sim/sweep_merge.h for why it is a process of its own).
 *
 * The sweep's process and the merge process talk over a socket pair, one
 * request and one reply at a time: "add run i", "commit". The merge
 * process reads until the socket closes: a sweep that closes it without
 * asking for a commit (a failed run, or its process killed) gets the
 * rollback, so --db is left as it was. */
#include "sim/sweep_merge.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/merge.h"

enum { OP_ADD = 1, OP_COMMIT = 2 };

struct request { int op, run; };

struct reply {
    int rc;                 /* 0, or -1 with err */
    int64_t id;             /* OP_ADD: the run's id in --db */
    struct error err;
};

struct sweep_merge {
    pid_t pid;
    int fd;
};

void sweep_run_db(char *buf, size_t size, const char *dir, int i)
{
    snprintf(buf, size, "%s/run-%06d.db", dir, i);
}

/* Whole buffers over the socket, retrying short transfers; 0, or -1 when
 * the other end is gone. MSG_NOSIGNAL: a dead peer is an error, not a
 * SIGPIPE that would kill the sweep. */
static int send_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int recv_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = recv(fd, p, n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Copies run i of dir into m. */
static int add_run(struct merger *m, const char *dir, int i, int64_t *new_id, struct error *err)
{
    char path[1200];
    sweep_run_db(path, sizeof path, dir, i);
    int64_t *ids;
    int n;
    if (merge_list_runs(path, &ids, &n, err) != 0)
        return -1;
    int rc = -1;
    if (n != 1) {
        error_file(err, path);
        error_set(err, "holds %d runs, a sweep's run database holds 1", n);
    } else {
        rc = merger_add(m, &(struct merge_source){ .path = path, .run_id = ids[0] }, new_id,
                        err);
    }
    free(ids);
    return rc;
}

/* The merge process: begin, then serve requests until a commit, a failure
 * or the end of the socket. Never returns. */
static void serve(int fd, const char *db, const char *dir)
{
    struct reply r = {0};
    struct merger *m = merger_begin(db, &r.err);
    r.rc = m ? 0 : -1;
    if (send_all(fd, &r, sizeof r) != 0 || !m) {
        merger_abort(m);
        _exit(0);
    }
    struct request q;
    while (recv_all(fd, &q, sizeof q) == 0) {
        memset(&r, 0, sizeof r);
        if (q.op == OP_ADD) {
            r.rc = add_run(m, dir, q.run, &r.id, &r.err);
        } else {
            r.rc = merger_commit(m, &r.err);
            m = NULL;                   /* freed by the commit, whatever its outcome */
        }
        if (send_all(fd, &r, sizeof r) != 0 || r.rc != 0 || !m)
            break;
    }
    merger_abort(m);
    _exit(0);
}

/* Closes the socket (a merge not committed is rolled back), waits for the
 * process's end and frees m. The process's exit status: 0, or what a
 * checker such as valgrind --error-exitcode made it (-1 when the sweep's
 * loop reaped it first, after a failure). */
static int reap(struct sweep_merge *m)
{
    close(m->fd);
    int st = 0;
    pid_t p;
    while ((p = waitpid(m->pid, &st, 0)) < 0 && errno == EINTR)
        ;
    free(m);
    if (p < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One request and its reply; the reply's error into err. */
static int ask(struct sweep_merge *m, int op, int run, int64_t *id, struct error *err)
{
    struct request q = { .op = op, .run = run };
    struct reply r;
    if (send_all(m->fd, &q, sizeof q) != 0 || recv_all(m->fd, &r, sizeof r) != 0) {
        error_set(err, "the sweep's merge process ended without an answer");
        err->system = 1;
        return -1;
    }
    if (r.rc != 0) {
        *err = r.err;
        return -1;
    }
    if (id)
        *id = r.id;
    return 0;
}

struct sweep_merge *sweep_merge_start(const char *db, const char *dir, struct error *err)
{
    struct sweep_merge *m = malloc(sizeof *m);
    int sv[2];
    if (!m || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        error_set(err, "cannot start the sweep's merge process: %s",
                  m ? strerror(errno) : "out of memory");
        err->system = 1;
        free(m);
        return NULL;
    }
    fflush(stdout);
    fflush(stderr);
    m->pid = fork();
    if (m->pid < 0) {
        error_set(err, "cannot start the sweep's merge process: %s", strerror(errno));
        err->system = 1;
        close(sv[0]);
        close(sv[1]);
        free(m);
        return NULL;
    }
    if (m->pid == 0) {
        close(sv[0]);
        free(m);
        serve(sv[1], db, dir);
    }
    close(sv[1]);
    m->fd = sv[0];
    struct reply r;
    if (recv_all(m->fd, &r, sizeof r) != 0) {
        error_set(err, "the sweep's merge process ended without an answer");
        err->system = 1;
        reap(m);
        return NULL;
    }
    if (r.rc != 0) {
        *err = r.err;
        reap(m);
        return NULL;
    }
    return m;
}

int sweep_merge_add(struct sweep_merge *m, int i, int64_t *new_id, struct error *err)
{
    return ask(m, OP_ADD, i, new_id, err);
}

int sweep_merge_commit(struct sweep_merge *m, struct error *err)
{
    int rc = ask(m, OP_COMMIT, 0, NULL, err);
    int st = reap(m);
    if (rc == 0 && st != 0) {
        error_set(err, "the sweep's merge process committed the runs, then ended with status"
                  " %d", st);
        rc = -1;
    }
    return rc;
}

void sweep_merge_leave(struct sweep_merge *m)
{
    close(m->fd);
}

void sweep_merge_abort(struct sweep_merge *m)
{
    if (m)
        reap(m);
}
