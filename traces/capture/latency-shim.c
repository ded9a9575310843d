/* latency-shim.c - LD_PRELOAD library: untraced per-call latency of file I/O calls.
 *
 * Times every write, pwrite/pwrite64, writev, pwritev, read, pread/pread64, readv, preadv, fsync
 * and fdatasync of the process with clock_gettime(CLOCK_MONOTONIC) around the real call (found with
 * dlsym(RTLD_NEXT)), counting only calls on regular files (S_ISREG). Children and exec'd programs
 * inherit it through LD_PRELOAD in the environment.
 *
 * Per op kind the process keeps an HDR-style histogram (values below 64 ns exact, above that 64
 * sub-buckets per power of two: a bucket is at most 1/64 = 1.6 % wide, its midpoint within 0.8 % of
 * any value in it), updated with relaxed atomic adds (lock-free, shared by the threads), plus
 * count, sum, max and bytes. At exit (destructor), in _exit/_Exit and just before an exec, one
 * line per op kind with calls is appended (O_APPEND, one write per line) to the file named by
 * KSIM_LAT_OUT (nothing is written if it is unset), and the counters are reset (a failed exec
 * keeps counting; the lines of one process then have to be summed, which the hist field allows):
 *
 *   ksimlat v1 pid=P comm=C kind=K count=N bytes=B sum_ns=S max_ns=X p50_ns=.. p90_ns=.. p99_ns=..
 *          p999_ns=.. mean_ns=.. hist=I:N,I:N,...
 *
 * (one line; hist = non-empty buckets, index:count; traces/capture/measure-corpus merges the lines
 * of all processes of a run). Percentiles: the smallest bucket whose cumulative count reaches
 * ceil(p * count), reported as the bucket midpoint (capped at max_ns).
 *
 * With KSIM_LAT_PREFIX=/some/dir/ only regular files whose path (readlink /proc/self/fd/N, once per fd)
 * starts with it are counted: the workload's data, not the interpreter's modules or the libraries.
 *
 * Regular-file check: one fstat per fd number, cached per fd (0 unknown, 1 regular, 2 other) for
 * fds below 65536; the entry is reset by the interposed close/dup/dup2/dup3/fcntl(F_DUPFD),
 * the open/openat/creat family, socket, accept(4), pipe(2) and close_range. Fds closed and reused by paths that do not go through
 * the PLT (glibc-internal fclose/fopen) can leave a stale entry; stdio's own writes are not seen
 * at all (glibc calls its internal __write). Calls with the shim's bookkeeping cost ~2 clock reads
 * and 4 atomic adds; see measure-corpus --shim-overhead.
 *
 * Build (measure-corpus does this into ~/.cache/ksim when missing):
 *   gcc -O2 -fPIC -shared -o latency-shim.so latency-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum { K_WRITE, K_PWRITE64, K_WRITEV, K_PWRITEV, K_READ, K_PREAD64, K_READV, K_PREADV, K_FSYNC, K_FDATASYNC, K_N };
static const char *const kind_name[K_N] = {"write", "pwrite64", "writev", "pwritev", "read",
                                           "pread64", "readv", "preadv", "fsync", "fdatasync"};

#define SUB_BITS 6
#define SUB (1u << SUB_BITS)
#define MAX_EXP 44 /* values up to 2^44 ns (~4.9 h); larger ones land in the last bucket */
#define NBUCKETS ((MAX_EXP - SUB_BITS + 2) * SUB)

struct hist {
    uint64_t count, sum, max, bytes;
    uint64_t b[NBUCKETS];
};
static struct hist H[K_N];

static const char *path_prefix;
static size_t path_prefix_len;
static char path_prefix_buf[4096], out_path_buf[4096];

#define FD_CACHE 65536
static unsigned char fdkind[FD_CACHE]; /* 0 unknown, 1 regular, 2 not regular */

static ssize_t (*r_write)(int, const void *, size_t);
static ssize_t (*r_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*r_writev)(int, const struct iovec *, int);
static ssize_t (*r_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*r_read)(int, void *, size_t);
static ssize_t (*r_pread64)(int, void *, size_t, off_t);
static ssize_t (*r_readv)(int, const struct iovec *, int);
static ssize_t (*r_preadv)(int, const struct iovec *, int, off_t);
static int (*r_fsync)(int);
static int (*r_fdatasync)(int);
static int (*r_close)(int);
static int (*r_dup)(int);
static int (*r_dup2)(int, int);
static int (*r_dup3)(int, int, int);
static int (*r_fcntl)(int, int, ...);
static int (*r_open)(const char *, int, ...);
static int (*r_open64)(const char *, int, ...);
static int (*r_openat)(int, const char *, int, ...);
static int (*r_openat64)(int, const char *, int, ...);
static int (*r_creat)(const char *, mode_t);
static int (*r_creat64)(const char *, mode_t);
static int (*r_socket)(int, int, int);
static int (*r_accept)(int, struct sockaddr *, socklen_t *);
static int (*r_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*r_pipe)(int[2]);
static int (*r_pipe2)(int[2], int);
static int (*r_close_range)(unsigned, unsigned, int);
static int (*r_execve)(const char *, char *const[], char *const[]);
static int (*r_execv)(const char *, char *const[]);
static int (*r_execvp)(const char *, char *const[]);
static int (*r_execvpe)(const char *, char *const[], char *const[]);
static int (*r_fexecve)(int, char *const[], char *const[]);
static void (*r__exit)(int) __attribute__((noreturn));
static void (*r__Exit)(int) __attribute__((noreturn));

#define RESOLVE(name) r_##name = dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void shim_init(void)
{
    RESOLVE(write); RESOLVE(pwrite64); RESOLVE(writev); RESOLVE(pwritev);
    RESOLVE(read); RESOLVE(pread64); RESOLVE(readv); RESOLVE(preadv);
    RESOLVE(fsync); RESOLVE(fdatasync); RESOLVE(close); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3);
    RESOLVE(fcntl); RESOLVE(open); RESOLVE(open64); RESOLVE(openat); RESOLVE(openat64);
    RESOLVE(creat); RESOLVE(creat64); RESOLVE(socket); RESOLVE(accept); RESOLVE(accept4);
    RESOLVE(pipe); RESOLVE(pipe2); RESOLVE(close_range);
    RESOLVE(execve); RESOLVE(execv); RESOLVE(execvp); RESOLVE(execvpe); RESOLVE(fexecve);
    RESOLVE(_exit); RESOLVE(_Exit);
    /* copied: programs that rewrite their argv/environ area for a process title (redis) overwrite the strings */
    const char *e = getenv("KSIM_LAT_PREFIX");
    if (e && *e && strlen(e) < sizeof path_prefix_buf) {
        strcpy(path_prefix_buf, e);
        path_prefix = path_prefix_buf;
        path_prefix_len = strlen(path_prefix);
    }
    e = getenv("KSIM_LAT_OUT");
    if (e && strlen(e) < sizeof out_path_buf) strcpy(out_path_buf, e);
}

/* Lazy resolution for calls made before our constructor ran (other libraries' constructors). */
#define ENSURE(name) do { if (__builtin_expect(!r_##name, 0)) RESOLVE(name); } while (0)

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int fd_is_reg(int fd)
{
    if (fd < 0) return 0;
    if (fd < FD_CACHE) {
        unsigned char k = __atomic_load_n(&fdkind[fd], __ATOMIC_RELAXED);
        if (k) return k == 1;
    }
    struct stat st;
    int saved = errno;
    int reg = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (reg && path_prefix) { /* only files under KSIM_LAT_PREFIX (the workload's data, not its libraries) */
        char link[32], target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        reg = n >= (ssize_t)path_prefix_len && memcmp(target, path_prefix, path_prefix_len) == 0;
    }
    errno = saved;
    if (fd < FD_CACHE) __atomic_store_n(&fdkind[fd], reg ? 1 : 2, __ATOMIC_RELAXED);
    return reg;
}

static inline void fd_forget(int fd)
{
    if (fd >= 0 && fd < FD_CACHE) __atomic_store_n(&fdkind[fd], 0, __ATOMIC_RELAXED);
}

static inline unsigned bucket_of(uint64_t v)
{
    if (v < SUB) return (unsigned)v;
    unsigned e = 63 - (unsigned)__builtin_clzll(v); /* >= SUB_BITS */
    if (e > MAX_EXP) return NBUCKETS - 1;
    unsigned sub = (unsigned)(v >> (e - SUB_BITS)) & (SUB - 1);
    return (e - SUB_BITS + 1) * SUB + sub;
}

/* lowest value and width of bucket i */
static void bucket_range(unsigned i, uint64_t *lo, uint64_t *width)
{
    if (i < SUB) { *lo = i; *width = 1; return; }
    unsigned e = i / SUB - 1 + SUB_BITS, sub = i % SUB;
    *width = (uint64_t)1 << (e - SUB_BITS);
    *lo = ((uint64_t)1 << e) + (uint64_t)sub * *width;
}

static inline void record(int k, uint64_t t0, ssize_t ret)
{
    uint64_t d = now_ns() - t0;
    struct hist *h = &H[k];
    __atomic_fetch_add(&h->b[bucket_of(d)], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&h->count, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&h->sum, d, __ATOMIC_RELAXED);
    if (ret > 0) __atomic_fetch_add(&h->bytes, (uint64_t)ret, __ATOMIC_RELAXED);
    uint64_t m = __atomic_load_n(&h->max, __ATOMIC_RELAXED);
    while (d > m && !__atomic_compare_exchange_n(&h->max, &m, d, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
}

static uint64_t pct(const uint64_t *b, uint64_t count, uint64_t max, double p)
{
    uint64_t rank = (uint64_t)(p * (double)count);
    if ((double)rank < p * (double)count) rank++;
    if (rank < 1) rank = 1;
    uint64_t cum = 0;
    for (unsigned i = 0; i < NBUCKETS; i++) {
        cum += b[i];
        if (cum >= rank) {
            uint64_t lo, w;
            bucket_range(i, &lo, &w);
            uint64_t v = lo + (w - 1) / 2;
            return v > max ? max : v;
        }
    }
    return max;
}

static void flush(void)
{
    const char *path = out_path_buf[0] ? out_path_buf : getenv("KSIM_LAT_OUT");
    if (!path || !*path) return;
    ENSURE(write); ENSURE(open); ENSURE(close);
    int any = 0;
    for (int k = 0; k < K_N; k++) any |= __atomic_load_n(&H[k].count, __ATOMIC_RELAXED) != 0;
    if (!any) return;
    int saved = errno;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) { errno = saved; return; }
    char comm[32] = "?";
    int cfd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/comm", O_RDONLY | O_CLOEXEC);
    if (cfd >= 0) {
        ssize_t n = syscall(SYS_read, cfd, comm, sizeof comm - 1);
        if (n > 0) { comm[n] = 0; char *nl = strchr(comm, '\n'); if (nl) *nl = 0; }
        for (char *c = comm; *c; c++) if (*c == ' ' || *c == '\t' || *c == '=') *c = '_';
        syscall(SYS_close, cfd);
    }
    static uint64_t snap[NBUCKETS];
    size_t cap = 64 + 24 * (size_t)NBUCKETS + 512;
    char *line = malloc(cap);
    for (int k = 0; k < K_N && line; k++) {
        struct hist *h = &H[k];
        uint64_t count = __atomic_exchange_n(&h->count, 0, __ATOMIC_RELAXED);
        if (!count) continue;
        uint64_t sum = __atomic_exchange_n(&h->sum, 0, __ATOMIC_RELAXED);
        uint64_t max = __atomic_exchange_n(&h->max, 0, __ATOMIC_RELAXED);
        uint64_t bytes = __atomic_exchange_n(&h->bytes, 0, __ATOMIC_RELAXED);
        uint64_t n = 0;
        for (unsigned i = 0; i < NBUCKETS; i++) { snap[i] = __atomic_exchange_n(&h->b[i], 0, __ATOMIC_RELAXED); n += snap[i]; }
        if (!n) continue;
        int len = snprintf(line, cap,
                           "ksimlat v1 pid=%d comm=%s kind=%s count=%llu bytes=%llu sum_ns=%llu max_ns=%llu p50_ns=%llu "
                           "p90_ns=%llu p99_ns=%llu p999_ns=%llu mean_ns=%llu hist=",
                           (int)getpid(), comm, kind_name[k], (unsigned long long)n, (unsigned long long)bytes,
                           (unsigned long long)sum, (unsigned long long)max,
                           (unsigned long long)pct(snap, n, max, 0.50), (unsigned long long)pct(snap, n, max, 0.90),
                           (unsigned long long)pct(snap, n, max, 0.99), (unsigned long long)pct(snap, n, max, 0.999),
                           (unsigned long long)(sum / n));
        int first = 1;
        for (unsigned i = 0; i < NBUCKETS && len > 0 && (size_t)len < cap - 48; i++) {
            if (!snap[i]) continue;
            len += snprintf(line + len, cap - len, "%s%u:%llu", first ? "" : ",", i, (unsigned long long)snap[i]);
            first = 0;
        }
        if (len > 0 && (size_t)len < cap - 1) {
            line[len++] = '\n';
            syscall(SYS_write, fd, line, (size_t)len);
        }
    }
    free(line);
    syscall(SYS_close, fd);
    errno = saved;
}

__attribute__((destructor)) static void shim_fini(void) { flush(); }

/* ---- timed calls ---- */
#define TIMED(K, call)                                          \
    do {                                                        \
        if (!fd_is_reg(fd)) return call;                        \
        uint64_t t0 = now_ns();                                 \
        ssize_t ret = call;                                     \
        int saved = errno;                                      \
        record(K, t0, ret);                                     \
        errno = saved;                                          \
        return ret;                                             \
    } while (0)

ssize_t write(int fd, const void *buf, size_t n) { ENSURE(write); TIMED(K_WRITE, r_write(fd, buf, n)); }
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) { ENSURE(pwrite64); TIMED(K_PWRITE64, r_pwrite64(fd, buf, n, off)); }
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { ENSURE(pwrite64); TIMED(K_PWRITE64, r_pwrite64(fd, buf, n, off)); }
ssize_t writev(int fd, const struct iovec *iov, int cnt) { ENSURE(writev); TIMED(K_WRITEV, r_writev(fd, iov, cnt)); }
ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) { ENSURE(pwritev); TIMED(K_PWRITEV, r_pwritev(fd, iov, cnt, off)); }
ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off) { ENSURE(pwritev); TIMED(K_PWRITEV, r_pwritev(fd, iov, cnt, off)); }
ssize_t read(int fd, void *buf, size_t n) { ENSURE(read); TIMED(K_READ, r_read(fd, buf, n)); }
ssize_t pread64(int fd, void *buf, size_t n, off_t off) { ENSURE(pread64); TIMED(K_PREAD64, r_pread64(fd, buf, n, off)); }
ssize_t pread(int fd, void *buf, size_t n, off_t off) { ENSURE(pread64); TIMED(K_PREAD64, r_pread64(fd, buf, n, off)); }
ssize_t readv(int fd, const struct iovec *iov, int cnt) { ENSURE(readv); TIMED(K_READV, r_readv(fd, iov, cnt)); }
ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off) { ENSURE(preadv); TIMED(K_PREADV, r_preadv(fd, iov, cnt, off)); }
ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off) { ENSURE(preadv); TIMED(K_PREADV, r_preadv(fd, iov, cnt, off)); }
int fsync(int fd) { ENSURE(fsync); TIMED(K_FSYNC, r_fsync(fd)); }
int fdatasync(int fd) { ENSURE(fdatasync); TIMED(K_FDATASYNC, r_fdatasync(fd)); }

/* ---- fd cache invalidation ---- */
int close(int fd) { ENSURE(close); fd_forget(fd); return r_close(fd); }
int dup(int fd) { ENSURE(dup); int r = r_dup(fd); fd_forget(r); return r; }
int dup2(int a, int b) { ENSURE(dup2); int r = r_dup2(a, b); fd_forget(b); return r; }
int dup3(int a, int b, int f) { ENSURE(dup3); int r = r_dup3(a, b, f); fd_forget(b); return r; }
int close_range(unsigned lo, unsigned hi, int flags)
{
    ENSURE(close_range);
    for (unsigned i = lo; i <= hi && i < FD_CACHE; i++) fd_forget((int)i);
    return r_close_range ? r_close_range(lo, hi, flags) : (int)syscall(SYS_close_range, lo, hi, flags);
}
int fcntl(int fd, int cmd, ...)
{
    ENSURE(fcntl);
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int r = r_fcntl(fd, cmd, arg);
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) fd_forget(r);
    return r;
}
int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

#define OPEN_MODE(flags, mode)                                                  \
    mode_t mode = 0;                                                            \
    if ((flags) & (O_CREAT | __O_TMPFILE)) {                                    \
        va_list ap; va_start(ap, flags); mode = va_arg(ap, int); va_end(ap);    \
    }
int open(const char *p, int flags, ...) { ENSURE(open); OPEN_MODE(flags, m); int r = r_open(p, flags, m); fd_forget(r); return r; }
int open64(const char *p, int flags, ...) { ENSURE(open64); OPEN_MODE(flags, m); int r = r_open64(p, flags, m); fd_forget(r); return r; }
int openat(int d, const char *p, int flags, ...) { ENSURE(openat); OPEN_MODE(flags, m); int r = r_openat(d, p, flags, m); fd_forget(r); return r; }
int openat64(int d, const char *p, int flags, ...) { ENSURE(openat64); OPEN_MODE(flags, m); int r = r_openat64(d, p, flags, m); fd_forget(r); return r; }
int creat(const char *p, mode_t m) { ENSURE(creat); int r = r_creat(p, m); fd_forget(r); return r; }
int creat64(const char *p, mode_t m) { ENSURE(creat64); int r = r_creat64(p, m); fd_forget(r); return r; }
int socket(int a, int b, int c) { ENSURE(socket); int r = r_socket(a, b, c); fd_forget(r); return r; }
int accept(int s, struct sockaddr *a, socklen_t *l) { ENSURE(accept); int r = r_accept(s, a, l); fd_forget(r); return r; }
int accept4(int s, struct sockaddr *a, socklen_t *l, int f) { ENSURE(accept4); int r = r_accept4(s, a, l, f); fd_forget(r); return r; }
int pipe(int fds[2]) { ENSURE(pipe); int r = r_pipe(fds); if (r == 0) { fd_forget(fds[0]); fd_forget(fds[1]); } return r; }
int pipe2(int fds[2], int f) { ENSURE(pipe2); int r = r_pipe2(fds, f); if (r == 0) { fd_forget(fds[0]); fd_forget(fds[1]); } return r; }

/* ---- report before the image is replaced or the process ends without exit handlers ---- */
int execve(const char *p, char *const a[], char *const e[]) { ENSURE(execve); flush(); return r_execve(p, a, e); }
int execv(const char *p, char *const a[]) { ENSURE(execv); flush(); return r_execv(p, a); }
int execvp(const char *p, char *const a[]) { ENSURE(execvp); flush(); return r_execvp(p, a); }
int execvpe(const char *p, char *const a[], char *const e[]) { ENSURE(execvpe); flush(); return r_execvpe(p, a, e); }
int fexecve(int fd, char *const a[], char *const e[]) { ENSURE(fexecve); flush(); return r_fexecve(fd, a, e); }
/* glibc's execl* call its internal __execve: rebuild argv and go through the wrappers above */
#define COLLECT_ARGS(first, argv, envp_out)                                                   \
    va_list ap; size_t n = 1;                                                                 \
    va_start(ap, first); while (va_arg(ap, char *)) n++; va_end(ap);                          \
    char **argv = __builtin_alloca((n + 1) * sizeof(char *));                                 \
    va_start(ap, first); argv[0] = (char *)(first);                                           \
    for (size_t i = 1; i <= n; i++) argv[i] = i < n ? va_arg(ap, char *) : NULL;              \
    if (i_need_env) { (void)va_arg(ap, char *); envp_out = va_arg(ap, char **); }             \
    va_end(ap);
int execl(const char *p, const char *arg, ...) { const int i_need_env = 0; char **e = NULL; COLLECT_ARGS(arg, a, e); (void)e; return execv(p, a); }
int execlp(const char *f, const char *arg, ...) { const int i_need_env = 0; char **e = NULL; COLLECT_ARGS(arg, a, e); (void)e; return execvp(f, a); }
int execle(const char *p, const char *arg, ...) { const int i_need_env = 1; char **e = NULL; COLLECT_ARGS(arg, a, e); return execve(p, a, e); }
void _exit(int st) { ENSURE(_exit); flush(); r__exit(st); }
void _Exit(int st) { ENSURE(_Exit); flush(); r__Exit(st); }
