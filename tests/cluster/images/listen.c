/* Open the sockets named on the command line and hold them until SIGTERM:
 * tcp:PORT (0.0.0.0), tcp6:PORT (::1), udp:PORT (0.0.0.0), unix:PATH (a listening
 * stream socket; @NAME for an abstract one), connect:PORT:COUNT (COUNT connections to
 * 127.0.0.1:PORT from a child process, accepted and held by the first tcp listener).
 * For pidshare's ports tests and benchmark. */
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void on_stop(int signo) {
    (void)signo;
    _exit(0);
}

static void fail(const char *what, const char *spec) {
    fprintf(stderr, "listen: %s: ", spec);
    perror(what);
    exit(1);
}

static int inet(int family, int type, int port, const char *spec) {
    int fd = socket(family, type, 0), one = 1, bound;
    if (fd < 0)
        fail("socket", spec);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET) {
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        bound = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in6 a = {0};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        a.sin6_addr = in6addr_loopback;
        bound = bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (bound < 0)
        fail("bind", spec);
    if (type == SOCK_STREAM && listen(fd, 4096) < 0)
        fail("listen", spec);
    return fd;
}

static void local(const char *path, const char *spec) {
    struct sockaddr_un a = {0};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    size_t length = strlen(path);
    if (fd < 0 || length >= sizeof a.sun_path)
        fail("socket", spec);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, path, length);
    if (path[0] == '@')
        a.sun_path[0] = '\0';
    else
        unlink(path);
    if (bind(fd, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + length) < 0)
        fail("bind", spec);
    if (listen(fd, 16) < 0)
        fail("listen", spec);
}

static void connections(int port, int count) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
            fail("connect", "connect");
    }
}

int main(int argc, char **argv) {
    struct sigaction sa = {0};
    struct rlimit files;
    int server = -1, port = 0, count = 0;
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    for (int i = 1; i < argc; ++i) {
        char *spec = argv[i], *value = strchr(spec, ':');
        if (!value) {
            fprintf(stderr, "listen: bad spec %s\n", spec);
            return 2;
        }
        ++value;
        if (!strncmp(spec, "tcp:", 4)) {
            int fd = inet(AF_INET, SOCK_STREAM, atoi(value), spec);
            if (server < 0)
                server = fd;
        } else if (!strncmp(spec, "tcp6:", 5)) {
            inet(AF_INET6, SOCK_STREAM, atoi(value), spec);
        } else if (!strncmp(spec, "udp:", 4)) {
            inet(AF_INET, SOCK_DGRAM, atoi(value), spec);
        } else if (!strncmp(spec, "unix:", 5)) {
            local(value, spec);
        } else if (!strncmp(spec, "connect:", 8)) {
            char *many = strchr(value, ':');
            port = atoi(value);
            count = many ? atoi(many + 1) : 1;
        } else {
            fprintf(stderr, "listen: bad spec %s\n", spec);
            return 2;
        }
    }
    if (count > 0 && fork() == 0) {
        connections(port, count);
        for (;;)
            pause();
    }
    for (int accepted = 0; server >= 0 && accepted < count; ++accepted)
        if (accept(server, NULL, NULL) < 0)
            break;
    for (;;)
        pause();
}
