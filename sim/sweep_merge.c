/* sim/sweep_merge.c: the merge process of a local sweep (see
 * sim/sweep_merge.h for why it is a process of its own).
 *
 * The sweep's process and the merge process talk over a pair of
 * SOCK_SEQPACKET sockets (whole messages, so an answer is taken whole or
 * not at all): requests "add run i" and "commit", one answer each, in
 * order. The sweep's process does not wait for an add's answer: it asks
 * as runs finish and takes the answers in between, so a run finishing
 * during a copy starts its successor at once. The merge process reads
 * until the socket closes: a sweep that closes it without asking for a
 * commit (a failed run, or its process killed) gets the rollback, so --db
 * is left as it was. */
#include "sim/sweep_merge.h"

#include <errno.h>
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
    int asked, answered;        /* add requests sent, answers taken */
};

void sweep_run_db(char *buf, size_t size, const char *dir, int i)
{
    snprintf(buf, size, "%s/run-%06d.db", dir, i);
}

/* One whole message; 0, or -1 when the other end is gone. MSG_NOSIGNAL:
 * a dead peer is an error, not a SIGPIPE that would kill the sweep. */
static int send_msg(int fd, const void *buf, size_t n)
{
    ssize_t k;
    while ((k = send(fd, buf, n, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return k == (ssize_t)n ? 0 : -1;
}

/* One whole message: 1; 0 when none has come (flags MSG_DONTWAIT); -1 at
 * the end of the socket or on a message of the wrong size. */
static int recv_msg(int fd, void *buf, size_t n, int flags)
{
    ssize_t k;
    while ((k = recv(fd, buf, n, flags)) < 0 && errno == EINTR)
        ;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    return k == (ssize_t)n ? 1 : -1;
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
    if (send_msg(fd, &r, sizeof r) != 0 || !m) {
        merger_abort(m);
        _exit(0);
    }
    struct request q;
    while (recv_msg(fd, &q, sizeof q, 0) == 1) {
        memset(&r, 0, sizeof r);
        if (q.op == OP_ADD) {
            r.rc = add_run(m, dir, q.run, &r.id, &r.err);
        } else {
            r.rc = merger_commit(m, &r.err);
            m = NULL;                   /* freed by the commit, whatever its outcome */
        }
        if (send_msg(fd, &r, sizeof r) != 0 || r.rc != 0 || !m)
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

static void gone(struct error *err)
{
    error_set(err, "the sweep's merge process ended without an answer");
    err->system = 1;
}

/* The next answer: 1 taken (its id in *id), 0 none yet (without wait),
 * -1 with err filled. */
static int answer(struct sweep_merge *m, int wait, int64_t *id, struct error *err)
{
    struct reply r;
    int got = recv_msg(m->fd, &r, sizeof r, wait ? 0 : MSG_DONTWAIT);
    if (got == 0)
        return 0;
    if (got < 0) {
        gone(err);
        return -1;
    }
    if (r.rc != 0) {
        *err = r.err;
        return -1;
    }
    *id = r.id;
    return 1;
}

struct sweep_merge *sweep_merge_start(const char *db, const char *dir, struct error *err)
{
    struct sweep_merge *m = malloc(sizeof *m);
    int sv[2];
    if (!m || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
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
    m->asked = m->answered = 0;
    int64_t unused;
    if (answer(m, 1, &unused, err) != 1) {
        reap(m);
        return NULL;
    }
    return m;
}

int sweep_merge_request(struct sweep_merge *m, int i, struct error *err)
{
    struct request q = { .op = OP_ADD, .run = i };
    if (send_msg(m->fd, &q, sizeof q) != 0) {
        /* The process has ended, after a failed copy: its answer, waiting
         * in the socket, says why. */
        int64_t unused;
        while (answer(m, 1, &unused, err) == 1)
            ;
        return -1;
    }
    m->asked++;
    return 0;
}

int sweep_merge_collect(struct sweep_merge *m, int wait, int64_t *ids, int *merged,
                        struct error *err)
{
    while (m->answered < m->asked) {
        int got = answer(m, wait, &ids[m->answered], err);
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        m->answered++;
    }
    *merged = m->answered;
    return 0;
}

int sweep_merge_commit(struct sweep_merge *m, struct error *err)
{
    struct request q = { .op = OP_COMMIT };
    int64_t unused;
    int rc = -1;
    if (m->answered != m->asked)
        error_set(err, "a commit asked for with %d copies unanswered", m->asked - m->answered);
    else if (send_msg(m->fd, &q, sizeof q) != 0)
        gone(err);
    else if (answer(m, 1, &unused, err) == 1)
        rc = 0;
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
    free(m);
}

void sweep_merge_abort(struct sweep_merge *m)
{
    if (m)
        reap(m);
}
