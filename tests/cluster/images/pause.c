/* Behaves like Kubernetes' pause: sleep in pause(), reap zombie children
 * on SIGCHLD, exit on SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void sigdown(int signo) {
    psignal(signo, "Shutting down, got signal");
    exit(0);
}

static void sigreap(int signo) {
    (void)signo;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static int handle(int signo, void (*handler)(int), int flags) {
    struct sigaction sa = {0};
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(signo, &sa, NULL);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        if (!strcasecmp(argv[i], "-v")) {
            printf("pause.c 3.10\n");
            return 0;
        }
    }
    if (getpid() != 1)
        fprintf(stderr, "Warning: pause should be the first process\n");
    if (handle(SIGINT, sigdown, 0) < 0)
        return 1;
    if (handle(SIGTERM, sigdown, 0) < 0)
        return 2;
    if (handle(SIGCHLD, sigreap, SA_NOCLDSTOP) < 0)
        return 3;
    for (;;)
        pause();
    fprintf(stderr, "Error: infinite loop terminated\n");
    return 42;
}
