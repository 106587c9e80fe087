/*
 * The raw loopback fan-out floor: what delivering one message to N sockets costs when nothing but
 * the kernel is involved. One thread writes a 200-byte frame to each of N loopback TCP sockets per
 * message, at a steady rate; one epoll thread reads them all and timestamps each frame against the
 * moment its message started (one clock, CLOCK_MONOTONIC). No framing protocol, no JSON, no
 * allocation on the hot path: any chat server pays at least this per delivery.
 *
 *   cc -O2 -pthread -o floor floor.c
 *   ./floor SOCKETS RATE SECONDS        prints one JSON object
 *
 * Bounded: at most 60,000 sockets and 600 seconds; exits when the time is up.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 200

static int sockets, seconds;
static double rate;
static int *senders;           /* the sending side of each connection */
static _Atomic int stop_reading;

/* What the reader saw: a latency per delivery, and a count per socket for lost/duplicated. */
static uint32_t *latencies_us;
static _Atomic size_t latencies_len;
static size_t latencies_cap;
static uint32_t *next_expected; /* per socket: the message number it should see next */
static uint64_t out_of_order;

static uint64_t now_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

struct reader_args {
    int epoll;
    int *receivers;
};

/* Per socket: bytes of the current frame read so far. */
static unsigned char (*partial)[FRAME];
static int *partial_len;

static void *reader(void *arg) {
    struct reader_args *a = arg;
    struct epoll_event events[256];
    while (!stop_reading) {
        int n = epoll_wait(a->epoll, events, 256, 100);
        for (int e = 0; e < n; e++) {
            int i = (int)events[e].data.u32;
            for (;;) {
                ssize_t got = read(a->receivers[i], partial[i] + partial_len[i], FRAME - partial_len[i]);
                if (got <= 0) break;
                partial_len[i] += (int)got;
                if (partial_len[i] < FRAME) continue;
                partial_len[i] = 0;
                uint32_t number;
                uint64_t sent_ns;
                memcpy(&number, partial[i], sizeof number);
                memcpy(&sent_ns, partial[i] + 4, sizeof sent_ns);
                uint64_t took = (now_ns(CLOCK_MONOTONIC) - sent_ns) / 1000;
                if (number != next_expected[i]) out_of_order++;
                next_expected[i] = number + 1;
                if (latencies_len == latencies_cap) {
                    latencies_cap = latencies_cap ? latencies_cap * 2 : 1 << 16;
                    latencies_us = realloc(latencies_us, latencies_cap * sizeof *latencies_us);
                    if (!latencies_us) die("realloc");
                }
                latencies_us[latencies_len++] = took > UINT32_MAX ? UINT32_MAX : (uint32_t)took;
            }
        }
    }
    return NULL;
}

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static double pick_ms(const uint32_t *sorted, size_t len, double q) {
    if (len == 0) return 0;
    size_t i = (size_t)(len * q + 0.999999);
    if (i < 1) i = 1;
    if (i > len) i = len;
    return sorted[i - 1] / 1000.0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SOCKETS RATE SECONDS\n", argv[0]);
        return 2;
    }
    sockets = atoi(argv[1]);
    rate = atof(argv[2]);
    seconds = atoi(argv[3]);
    if (sockets < 1 || sockets > 60000 || rate <= 0 || rate > 10000 || seconds < 1 || seconds > 600 ||
        rate * seconds * sockets > 1e9) {
        fprintf(stderr, "SOCKETS 1..60000, RATE 0..10000, SECONDS 1..600, at most 1e9 deliveries\n");
        return 2;
    }
    struct rlimit limit;
    rlim_t needed = 2 * (rlim_t)sockets + 64;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) die("getrlimit");
    if (limit.rlim_cur < needed) {
        limit.rlim_cur = needed;
        if (limit.rlim_max < needed) limit.rlim_max = needed; /* only root may raise it */
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) die("setrlimit (raise the open files limit)");
    }

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(listener, 4096) != 0 || getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0)
        die("listen");

    senders = calloc(sockets, sizeof *senders);
    int *receivers = calloc(sockets, sizeof *receivers);
    partial = calloc(sockets, sizeof *partial);
    partial_len = calloc(sockets, sizeof *partial_len);
    next_expected = calloc(sockets, sizeof *next_expected);
    int epoll = epoll_create1(0);
    if (!senders || !receivers || !partial || !partial_len || !next_expected || epoll < 0) die("setup");
    for (int i = 0; i < sockets; i++) {
        senders[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (senders[i] < 0 || connect(senders[i], (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
        int one = 1;
        setsockopt(senders[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        receivers[i] = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        if (receivers[i] < 0) die("accept");
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, receivers[i], &ev) != 0) die("epoll_ctl");
    }

    pthread_t read_thread;
    struct reader_args args = {.epoll = epoll, .receivers = receivers};
    if (pthread_create(&read_thread, NULL, reader, &args) != 0) die("pthread_create");

    size_t messages = (size_t)(rate * seconds);
    uint32_t *write_us = calloc(messages ? messages : 1, sizeof *write_us);
    unsigned char frame[FRAME];
    memset(frame, 'x', sizeof frame);
    uint64_t interval_ns = (uint64_t)(1e9 / rate);
    uint64_t start = now_ns(CLOCK_MONOTONIC);
    uint64_t cpu_ns = 0;
    for (size_t m = 0; m < messages; m++) {
        uint64_t due = start + m * interval_ns;
        struct timespec until = {.tv_sec = (time_t)(due / 1000000000u), .tv_nsec = (long)(due % 1000000000u)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
        }
        uint64_t cpu_before = now_ns(CLOCK_THREAD_CPUTIME_ID);
        uint64_t began = now_ns(CLOCK_MONOTONIC);
        uint32_t number = (uint32_t)m;
        memcpy(frame, &number, sizeof number);
        memcpy(frame + 4, &began, sizeof began);
        for (int i = 0; i < sockets; i++) {
            size_t off = 0;
            while (off < FRAME) {
                ssize_t put = write(senders[i], frame + off, FRAME - off);
                if (put < 0 && errno == EINTR) continue;
                if (put <= 0) die("write");
                off += (size_t)put;
            }
        }
        write_us[m] = (uint32_t)((now_ns(CLOCK_MONOTONIC) - began) / 1000);
        cpu_ns += now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_before;
    }
    /* Let the reader drain what is in flight (a bounded wait: it must keep up with one writer). */
    for (int waited = 0; waited < 50 && latencies_len < messages * (size_t)sockets; waited++) usleep(100000);
    stop_reading = 1;
    pthread_join(read_thread, NULL);

    size_t delivered = latencies_len, expected = messages * (size_t)sockets;
    qsort(latencies_us, latencies_len, sizeof *latencies_us, by_value);
    qsort(write_us, messages, sizeof *write_us, by_value);
    printf("{\"sockets\":%d,\"rate\":%g,\"posted\":%zu,\"delivered\":%zu,\"lost\":%zu,\"out_of_order\":%llu,"
           "\"sender_cpu_us_per_delivery\":%.3f,\"deliveries_per_s_per_thread\":%.0f,"
           "\"write_all_ms\":{\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f},"
           "\"delivery\":{\"count\":%zu,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}}\n",
           sockets, rate, messages, delivered, expected > delivered ? expected - delivered : 0,
           (unsigned long long)out_of_order, expected ? cpu_ns / 1000.0 / (double)expected : 0,
           cpu_ns ? (double)expected / (cpu_ns / 1e9) : 0, pick_ms(write_us, messages, 0.5),
           pick_ms(write_us, messages, 0.99), pick_ms(write_us, messages, 1.0), delivered,
           pick_ms(latencies_us, latencies_len, 0.5), pick_ms(latencies_us, latencies_len, 0.95),
           pick_ms(latencies_us, latencies_len, 0.99), pick_ms(latencies_us, latencies_len, 1.0));
    return 0;
}
