/* Sleep until SIGTERM or SIGINT, then exit 0. Handlers are installed
 * explicitly so that this also works as PID 1 of a container. */
#include <signal.h>
#include <unistd.h>

static void on_stop(int signo) {
    (void)signo;
    _exit(0);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        return 1;
    for (;;)
        pause();
}
