/*
 * sigscen: runs one KernelSim signal scenario on the real kernel and prints what happened.
 * Run as root inside `unshare --pid --fork` (this process then plays the container runtime:
 * scenario process 0 is its child in a further PID namespace, and kill(-1) from it cannot
 * escape the outer namespace).
 *
 * stdin:  "N M", then N lines "P parent newns ignored handled blocked" (masks hex, bit sig-1),
 *         then M lines "S kind sender target sig" (kind 0 kill, 1 sigqueue, 2 host kill, 4 fault).
 * stdout: "send k errno" (-1 = not sent: sender dead/stopped or target invisible),
 *         "proc i state termsig exitcode" (state R running, T stopped, Z zombie, X reaped),
 *         "hand i sig count" for every handler that ran, "dead k i" when process i had exited before send k,
 *         "gen k i sig res" for every signal_generate (but SIGCHLD, and but a namespace teardown's SIGKILL
 *         ignored by a task already exiting) to scenario process i from send k on,
 *         recorded in a tracefs instance of our own ("notrace" when tracefs is not available).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAXP 16
#define MAXS 64

struct proc { int parent, newns; unsigned long long ign, hnd, blk; };
struct shared {
    int hostpid[MAXP];
    int level[MAXP];
    int nspid[MAXP][40];
    int created[MAXP];
    int counts[MAXP][65];
};
struct cmd { int op, a, b, c; };          /* op 1 fork(a=child), 2 kill(a=pid,b=sig,c=queue), 3 fault */
struct res { int who, op, value; };

static struct shared *sh;
static struct proc procs[MAXP];
static int nproc, me = -1;
static int cmdp[MAXP][2], resp[2];

static void handler(int sig) { __atomic_fetch_add(&sh->counts[me][sig], 1, __ATOMIC_SEQ_CST); }

static void sleep_ms(int ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&t, &t) && errno == EINTR) {} }

static void record_self(int i) {
    char buf[4096]; FILE *f = fopen("/proc/self/status", "r");
    sh->hostpid[i] = 0;
    while (f && fgets(buf, sizeof buf, f)) {
        if (strncmp(buf, "NSpid:", 6) == 0) {
            int n = 0; char *p = buf + 6, *end;
            for (;;) { long v = strtol(p, &end, 10); if (end == p) break; sh->nspid[i][n++] = (int)v; p = end; }
            sh->level[i] = n - 1; sh->hostpid[i] = sh->nspid[i][0];
        }
    }
    if (f) fclose(f);
}

static void setup_signals(int i) {
    sigset_t blk; sigemptyset(&blk);
    for (int s = 1; s <= 64; s++) {
        if (s == SIGKILL || s == SIGSTOP || s == 32 || s == 33) continue;
        unsigned long long bit = 1ULL << (s - 1);
        struct sigaction sa; memset(&sa, 0, sizeof sa); sigemptyset(&sa.sa_mask);
        sa.sa_handler = (procs[i].hnd & bit) ? handler : (procs[i].ign & bit) ? SIG_IGN : SIG_DFL;
        sigaction(s, &sa, NULL);
        if (procs[i].blk & bit) sigaddset(&blk, s);
    }
    sigprocmask(SIG_SETMASK, &blk, NULL);
}

__attribute__((noreturn)) static void child_loop(int i) {
    me = i;
    prctl(PR_SET_DUMPABLE, 0);
    record_self(i);
    setup_signals(i);
    struct res r = { i, 0, 0 };
    write(resp[1], &r, sizeof r);
    for (;;) {
        struct cmd c;
        ssize_t n = read(cmdp[i][0], &c, sizeof c);
        if (n < 0 && errno == EINTR) continue;
        if (n != sizeof c) _exit(0);
        if (c.op == 1) {
            int j = c.a;
            long pid = syscall(SYS_clone, (procs[j].newns ? CLONE_NEWPID : 0) | SIGCHLD, 0, 0, 0, 0);
            if (pid == 0) child_loop(j);
            if (pid < 0) { struct res f = { j, 1, errno }; write(resp[1], &f, sizeof f); }
        } else if (c.op == 2) {
            int rc;
            if (c.c) { union sigval v = { 0 }; rc = sigqueue(c.a, c.b, v); }
            else rc = kill(c.a, c.b);
            struct res k = { i, 2, rc == 0 ? 0 : errno };
            write(resp[1], &k, sizeof k);
        } else if (c.op == 3) {
            struct res k = { i, 3, 0 };
            write(resp[1], &k, sizeof k);
            if (c.a == SIGBUS) {                      /* a store past the end of an empty shared mapping */
                int fd = memfd_create("sigscen", 0);
                volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                p[0] = 1;
            }
            *(volatile int *)0 = 1;
        }
    }
}

static int runtime_level;

static int ns_of(int i) { while (i >= 0 && !procs[i].newns) i = procs[i].parent; return i; }   /* -1 = the runtime's */
static int ns_parent(int ns) { return ns < 0 ? -2 : ns_of(procs[ns].parent); }

/* pid of scenario process t as seen from namespace ns (index of its init; -1 the runtime's), 0 if invisible */
static int seen_from(int ns, int t) {
    int depth = 0;
    for (int n = ns; n >= 0; n = ns_parent(n)) depth++;
    for (int n = ns_of(t); n != -2; n = ns_parent(n))
        if (n == ns) return sh->nspid[t][runtime_level + depth];
    return 0;
}

static char state_of(int i, int *termsig, int *code) {
    char path[64], buf[2048]; *termsig = 0; *code = 0;
    if (!sh->created[i]) return 'N';
    snprintf(path, sizeof path, "/proc/%d/stat", sh->hostpid[i]);
    FILE *f = fopen(path, "r");
    if (!f) return 'X';
    size_t n = fread(buf, 1, sizeof buf - 1, f); fclose(f); buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return 'X';
    char st = p[2];
    if (st == 'Z') {
        int field = 2; long last = 0;                 /* p[1] ends field 2; field 52 is exit_code (waitpid format) */
        for (char *q = p + 1; *q; q++) if (*q == ' ') { field++; if (field == 52) { last = strtol(q + 1, NULL, 10); break; } }
        *termsig = (int)(last & 0x7f); *code = (int)((last >> 8) & 0xff);
        return 'Z';
    }
    if (st == 'X') return 'X';
    return (st == 'T' || st == 't') ? 'T' : 'R';
}

static int wait_res(struct res *r, int ms) {
    for (int waited = 0; waited <= ms; waited += 2) {
        if (read(resp[0], r, sizeof *r) == sizeof *r) return 1;
        sleep_ms(2);
    }
    return 0;
}

static char inst[256];
static int marker = -1;

static int write_file(const char *dir, const char *name, const char *text) {
    char path[512]; snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text)); close(fd);
    return n < 0 ? -1 : 0;
}

static void trace_start(void) {
    char self[64]; ssize_t n = readlink("/proc/self", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = 0;
    snprintf(inst, sizeof inst, "/sys/kernel/tracing/instances/sigscen-%s", self);
    if (mkdir(inst, 0700) && errno != EEXIST) { inst[0] = 0; return; }
    if (write_file(inst, "events/signal/signal_generate/enable", "1")) { rmdir(inst); inst[0] = 0; return; }
    char path[512]; snprintf(path, sizeof path, "%s/trace_marker", inst);
    marker = open(path, O_WRONLY);
}

static void trace_mark(int k) { if (marker >= 0) dprintf(marker, "sigscen send %d\n", k); }

static void trace_report(void) {
    if (!inst[0] || marker < 0) { printf("notrace\n"); return; }
    write_file(inst, "tracing_on", "0");
    char path[512], line[1024]; snprintf(path, sizeof path, "%s/trace", inst);
    FILE *f = fopen(path, "r");
    int cur = -1;
    while (f && fgets(line, sizeof line, f)) {
        char *m = strstr(line, "sigscen send ");
        if (m) { cur = atoi(m + 13); continue; }
        char *g = strstr(line, "signal_generate: sig=");
        if (!g || cur < 0) continue;
        int sig = atoi(g + 21);
        char *p = strstr(g, " pid="), *r = strstr(g, " res="), *c = strstr(g, " code=");
        if (!p || !r || !c || sig == SIGCHLD) continue;
        int pid = atoi(p + 5), res = atoi(r + 5), code = atoi(c + 6);
        /* the namespace teardown's SIGKILL to a task that already took its own SIGKILL: whether it is sent
           (and ignored) or skipped depends on which ran first, so it is left out */
        if (sig == SIGKILL && code == 128 && res == 1) continue;
        for (int i = 0; i < nproc; i++)
            if (sh->created[i] && sh->hostpid[i] == pid) printf("gen %d %d %d %d\n", cur, i, sig, res);
    }
    if (f) fclose(f);
    close(marker);
    rmdir(inst);
}

static int runnable(int i) { int a, b; return i >= 0 && i < nproc && state_of(i, &a, &b) == 'R'; }

int main(void) {
    int m;
    if (scanf("%d %d", &nproc, &m) != 2 || nproc < 1 || nproc > MAXP || m < 0 || m > MAXS) return 2;
    for (int i = 0; i < nproc; i++)
        if (scanf(" P %d %d %llx %llx %llx", &procs[i].parent, &procs[i].newns, &procs[i].ign, &procs[i].hnd, &procs[i].blk) != 5) return 2;
    static int kind[MAXS], snd[MAXS], tgt[MAXS], sig[MAXS], result[MAXS];
    for (int k = 0; k < m; k++) if (scanf(" S %d %d %d %d", &kind[k], &snd[k], &tgt[k], &sig[k]) != 4) return 2;
    if (getpid() != 1) { fprintf(stderr, "sigscen: run me as `unshare --pid --fork sigscen`\n"); return 3; }
    struct rlimit no = { 0, 0 }; setrlimit(RLIMIT_CORE, &no);
    setsid();   /* a session of our own: the scenario's process group is orphaned, as in the model */
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset(sh, 0, sizeof *sh);
    {   /* the runtime's own level: NSpid entries - 1 */
        char buf[4096]; FILE *f = fopen("/proc/self/status", "r");
        while (f && fgets(buf, sizeof buf, f)) if (strncmp(buf, "NSpid:", 6) == 0) {
            int n = 0; char *p = buf + 6, *end; for (;;) { strtol(p, &end, 10); if (end == p) break; n++; p = end; }
            runtime_level = n - 1;
        }
        if (f) fclose(f);
    }
    for (int i = 0; i < nproc; i++) if (pipe(cmdp[i])) return 4;
    if (pipe2(resp, O_NONBLOCK)) return 4;
    for (int i = 0; i < nproc; i++) {
        int parent = procs[i].parent;
        if (parent < 0 || parent >= i) {
            procs[i].parent = -1;
            long pid = syscall(SYS_clone, (procs[i].newns ? CLONE_NEWPID : 0) | SIGCHLD, 0, 0, 0, 0);
            if (pid == 0) child_loop(i);
            if (pid < 0) continue;
        } else {
            if (!sh->created[parent] || !runnable(parent)) continue;
            struct cmd c = { 1, i, 0, 0 }; write(cmdp[parent][1], &c, sizeof c);
        }
        struct res r;
        if (wait_res(&r, 2000) && r.op == 0 && r.who == i) sh->created[i] = 1;
    }
    trace_start();
    static char dead_before[MAXS][MAXP];
    for (int k = 0; k < m; k++) {
        for (int i = 0; i < nproc; i++) { int a, b; char st = state_of(i, &a, &b); dead_before[k][i] = st == 'Z' || st == 'X'; }
        trace_mark(k);
        result[k] = -1;
        int t = tgt[k];
        if (kind[k] == 4) {
            if (t >= 0 && runnable(t)) { struct cmd c = { 3, sig[k], 0, 0 }; write(cmdp[t][1], &c, sizeof c); struct res r; wait_res(&r, 200); result[k] = 0; }
        } else if (kind[k] == 2) {
            int pid = t < 0 ? -1 : sh->created[t] ? seen_from(-1, t) : 0;
            if (pid != 0) result[k] = kill(pid, sig[k]) == 0 ? 0 : errno;
        } else if (kind[k] == 0 || kind[k] == 1) {
            int s = snd[k];
            if (s >= 0 && s < nproc && runnable(s)) {
                int pid = t < 0 ? -1 : sh->created[t] ? seen_from(ns_of(s), t) : 0;
                if (pid != 0) {
                    struct cmd c = { 2, pid, sig[k], kind[k] == 1 && pid > 0 }; write(cmdp[s][1], &c, sizeof c);
                    struct res r;
                    result[k] = wait_res(&r, 300) && r.op == 2 ? r.value : -2;   /* -2: the sender died of its own send */
                }
            }
        }
        sleep_ms(40);
    }
    sleep_ms(60);
    for (int k = 0; k < m; k++) printf("send %d %d\n", k, result[k]);
    for (int k = 0; k < m; k++) for (int i = 0; i < nproc; i++) if (dead_before[k][i]) printf("dead %d %d\n", k, i);
    for (int i = 0; i < nproc; i++) {
        int ts, code; char st = state_of(i, &ts, &code);
        printf("proc %d %c %d %d\n", i, st, ts, code);
        for (int s = 1; s <= 64; s++) if (sh->counts[i][s]) printf("hand %d %d %d\n", i, s, sh->counts[i][s]);
    }
    trace_report();
    fflush(stdout);
    return 0;
}
