/* syscall-probe.c - what an application's own timing of a small file call adds to the traced syscall window.
 *
 * Built and driven by traces/capture/syscall-probe (see there). Usage: syscall-probe FILE CALLS [PHASES]
 * Lays out 256 pages of FILE, then CALLS times: pwrite(4 KiB, overwriting a cached page), pread(4 KiB, a cached
 * page), write and read (the same, at the file offset, rewound every 256 calls outside the timing) and getppid(), each timed with clock_gettime(CLOCK_MONOTONIC) around the call, the way a latency shim or
 * an application's own timer sees it. With PHASES > 1 the loop runs PHASES times on the same pages, each after
 * printing "ready K" and reading one line from stdin (the driver switches tracing on or off in between). Prints one
 * JSON line per phase: per call, the mean (samples above 4x the median dropped: interrupts, preemption) and the
 * median, in ns. Removes FILE.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, long *v, long n, int last)
{
    qsort(v, n, sizeof *v, cmp_long);
    long med = v[n / 2];
    double sum = 0;
    long kept = 0;
    for (long i = 0; i < n; i++) {
        if (v[i] <= 4 * med) {
            sum += v[i];
            kept++;
        }
    }
    printf("\"%s\": {\"mean_ns\": %.1f, \"p50_ns\": %ld, \"kept\": %ld}%s", name, kept ? sum / kept : 0.0, med, kept, last ? "" : ", ");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s FILE CALLS [PHASES]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[2]);
    int phases = argc > 3 ? atoi(argv[3]) : 1;
    if (phases < 1 || phases > 40) {
        fprintf(stderr, "PHASES must be 1..40\n");
        return 2;
    }
    if (n < 100 || n > 10000000) {
        fprintf(stderr, "CALLS must be 100..10000000\n");
        return 2;
    }
    static char buf[4096];
    memset(buf, 0x5a, sizeof buf);
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    for (int i = 0; i < 256; i++) {
        if (pwrite(fd, buf, sizeof buf, (off_t)i * 4096) != (ssize_t)sizeof buf) {
            perror("pwrite");
            return 1;
        }
    }
    long *w = malloc(n * sizeof *w), *r = malloc(n * sizeof *r), *g = malloc(n * sizeof *g);
    long *sw = malloc(n * sizeof *sw), *sr = malloc(n * sizeof *sr);
    if (!w || !r || !g || !sw || !sr) {
        perror("malloc");
        return 1;
    }
    for (int phase = 0; phase < phases; phase++) {
        if (phases > 1) {
            /* the driver switches tracing on or off between phases: same pages, same buffer, same process */
            printf("ready %d\n", phase);
            fflush(stdout);
            char line[16];
            if (!fgets(line, sizeof line, stdin))
                return 1;
        }
        for (long i = 0; i < n; i++) {
            off_t off = (off_t)(i & 255) * 4096;
            long a = now_ns();
            ssize_t k = pwrite(fd, buf, sizeof buf, off);
            long b = now_ns();
            w[i] = b - a;
            a = now_ns();
            k += pread(fd, buf, sizeof buf, off);
            b = now_ns();
            r[i] = b - a;
            a = now_ns();
            (void)getppid();
            b = now_ns();
            g[i] = b - a;
            if ((i & 255) == 0)
                lseek(fd, 0, SEEK_SET);
            a = now_ns();
            k += write(fd, buf, sizeof buf);
            b = now_ns();
            sw[i] = b - a;
            lseek(fd, -(off_t)sizeof buf, SEEK_CUR);
            a = now_ns();
            k += read(fd, buf, sizeof buf);
            b = now_ns();
            sr[i] = b - a;
            if (k != 4 * (ssize_t)sizeof buf) {
                perror("pwrite/pread/write/read");
                return 1;
            }
        }
        printf("{\"phase\": %d, ", phase);
        report("pwrite64", w, n, 0);
        report("pread64", r, n, 0);
        report("write", sw, n, 0);
        report("read", sr, n, 0);
        report("getppid", g, n, 1);
        printf("}\n");
        fflush(stdout);
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
