/*
 * rr-client - a minimal request/response client that times every round trip (issue 14 ground truth).
 *
 * Sends one fixed request over TCP (default) or UDP (-u), waits for a reply of exactly REPLY bytes (TCP: reads
 * until that many arrived; UDP: one datagram), and times it with CLOCK_MONOTONIC from before send() to after the
 * reply's last recv(): the latency the application sees, at ns resolution (redis-benchmark's histogram reports
 * this range in 8 us steps). Closed loop, one request in flight, back to back unless -i paces it.
 *
 *   rr-client -h HOST -p PORT -q REQUEST -r REPLY [-u] [-n N] [-w WARMUP] [-i INTERVAL_US] [-o FILE]
 *   rr-client -s -p PORT        a UDP echo server (recvfrom, sendto the same bytes back), for net-overhead-probe
 *   REQUEST   the bytes to send; \r \n \t \\ and \xHH are unescaped
 *             (redis GET of a missing key: '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n', reply 5 bytes "$-1\r\n")
 *   -n N      timed requests (default 20000), after -w WARMUP untimed ones (default 200)
 *   -o FILE   also write every round trip, ns, one per line
 * Prints one line: "rr-client: n=N p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=.. mean_us=..".
 * Build: cc -O2 -o /tmp/rr-client traces/capture/rr-client.c, then give that path in the --client command.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static size_t unescape(const char *s, char *out)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) { out[n++] = *s; continue; }
        s++;
        switch (*s) {
        case 'r': out[n++] = '\r'; break;
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'x': { unsigned v = 0; sscanf(s + 1, "%2x", &v); out[n++] = (char)v; s += 2; break; }
        default: out[n++] = *s; break;
        }
    }
    return n;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double pct(const long long *v, int n, double p)
{
    int i = (int)(p * (n - 1) + 0.5);
    return v[i] / 1000.0;
}

int main(int argc, char **argv)
{
    const char *host = NULL, *port = NULL, *req = NULL, *outpath = NULL;
    int reply = -1, udp = 0, n = 20000, warm = 200, interval = 0, c;
    int serve = 0;
    while ((c = getopt(argc, argv, "h:p:q:r:un:w:i:o:s")) != -1) {
        switch (c) {
        case 'h': host = optarg; break;
        case 'p': port = optarg; break;
        case 'q': req = optarg; break;
        case 'r': reply = atoi(optarg); break;
        case 'u': udp = 1; break;
        case 'n': n = atoi(optarg); break;
        case 'w': warm = atoi(optarg); break;
        case 'i': interval = atoi(optarg); break;
        case 'o': outpath = optarg; break;
        case 's': serve = 1; break;
        default: fprintf(stderr, "usage: rr-client -h HOST -p PORT -q REQUEST -r REPLY [-u] [-n N] [-w W] [-i US] [-o FILE]\n"); return 2;
        }
    }
    if (serve && port) {
        struct sockaddr_in a = {0}, from;
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)atoi(port));
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("rr-client: bind"); return 1; }
        static char b[65536];
        for (;;) {
            socklen_t fl = sizeof from;
            ssize_t r = recvfrom(s, b, sizeof b, 0, (struct sockaddr *)&from, &fl);
            if (r > 0) sendto(s, b, (size_t)r, 0, (struct sockaddr *)&from, fl);
        }
    }
    if (!host || !port || !req || reply <= 0 || n <= 0) {
        fprintf(stderr, "rr-client: -h, -p, -q and -r (> 0) are required\n");
        return 2;
    }
    char *msg = malloc(strlen(req) + 1), *buf = malloc(reply + 65536);
    size_t len = unescape(req, msg);
    struct addrinfo hints = {0}, *ai;
    hints.ai_family = AF_INET;
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0) { fprintf(stderr, "rr-client: cannot resolve %s\n", host); return 2; }
    int fd = socket(ai->ai_family, ai->ai_socktype, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) { perror("rr-client: connect"); return 1; }
    if (!udp) { int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }
    long long *rtt = malloc(sizeof(long long) * n);
    long long next = now_ns();
    for (int k = -warm; k < n; k++) {
        if (interval > 0) {
            while (now_ns() < next) { }
            next += interval * 1000LL;
        }
        long long t0 = now_ns();
        if (send(fd, msg, len, 0) != (ssize_t)len) { perror("rr-client: send"); return 1; }
        int got = 0;
        while (got < reply) {
            ssize_t r = recv(fd, buf + got, reply + 65536 - got, 0);
            if (r <= 0) { fprintf(stderr, "rr-client: connection closed after %d of %d reply bytes\n", got, reply); return 1; }
            got += (int)r;
            if (udp) break;
        }
        long long t1 = now_ns();
        if (k >= 0) rtt[k] = t1 - t0;
    }
    if (outpath) {
        FILE *f = fopen(outpath, "w");
        for (int k = 0; f && k < n; k++) fprintf(f, "%lld\n", rtt[k]);
        if (f) fclose(f);
    }
    double sum = 0;
    for (int k = 0; k < n; k++) sum += rtt[k];
    qsort(rtt, n, sizeof rtt[0], cmp);
    printf("rr-client: n=%d p50_us=%.2f p90_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f mean_us=%.2f\n", n,
           pct(rtt, n, 0.50), pct(rtt, n, 0.90), pct(rtt, n, 0.99), pct(rtt, n, 0.999), rtt[n - 1] / 1000.0, sum / n / 1000.0);
    return 0;
}
