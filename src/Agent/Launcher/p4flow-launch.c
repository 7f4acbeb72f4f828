/*
 * p4flow-launch: starts one agent command inside its containment, then becomes the command.
 *
 *   p4flow-launch [--cgroup=DIR] [--cpu=N] [--as=N] [--fsize=N] [--nproc=N] [--uid=N --gid=N] -- PROGRAM [ARG...]
 *   p4flow-launch --check      (prints "p4flow-launch ok": it runs on this machine)
 *
 * In order: a session of its own (one process group, signalled as one), the command's cgroup v2, the rlimits (soft
 * and hard), then the unprivileged user with no supplementary groups and no way back up (no_new_privs); then only
 * stdin, stdout and stderr stay open, ignored signals and the signal mask are back to their defaults, and it execs.
 * It does what util-linux's setsid, prlimit and setpriv do in a chain, in one exec instead of three, which was most of
 * what a short command costs. Any step that fails stops the launch (exit 126): nothing runs half-contained.
 * The command's arguments are never read as options: everything after "--" is passed on as it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define SETUP_FAILED 126
#define EXEC_FAILED 127

static void fail(int code, const char *what, const char *detail)
{
    fprintf(stderr, "p4flow-launch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    _exit(code);
}

/* Decimal digits only (no sign, no space), at most max. */
static unsigned long long number(const char *option, const char *text, unsigned long long max)
{
    if (text[0] < '0' || text[0] > '9') fail(SETUP_FAILED, option, "not a number");
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0') fail(SETUP_FAILED, option, "not a number");
    if (value > max) fail(SETUP_FAILED, option, "out of range");
    return value;
}

/* Nothing the agent's own parent left open without close-on-exec reaches the command. */
static void close_inherited(void)
{
    if (close_range(3, ~0U, 0) == 0) return;
    struct rlimit files;
    int last = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < 65536 ? (int)files.rlim_cur : 65536;
    for (int fd = 3; fd < last; fd++) close(fd);
}

/*
 * .NET ignores SIGPIPE, and an agent started under nohup ignores SIGHUP: an ignored signal stays ignored across exec.
 * A command's pipelines expect the default SIGPIPE (end quietly when the reader goes) and its cancellation expects
 * SIGHUP and SIGTERM to end it, so every ignored signal goes back to its default, and the mask is emptied.
 */
static void default_signals(void)
{
    for (int sig = 1; sig < NSIG; sig++)
    {
        struct sigaction current;
        if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &current) != 0) continue;
        if (current.sa_handler == SIG_IGN && signal(sig, SIG_DFL) == SIG_ERR) fail(SETUP_FAILED, "signals", strerror(errno));
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) fail(SETUP_FAILED, "signals", strerror(errno));
}

static const char *value_of(const char *arg, const char *name)
{
    size_t length = strlen(name);
    return strncmp(arg, name, length) == 0 && arg[length] == '=' ? arg + length + 1 : NULL;
}

static void limit(int resource, const char *name, unsigned long long value)
{
    struct rlimit both = { (rlim_t)value, (rlim_t)value };
    if (setrlimit(resource, &both) != 0) fail(SETUP_FAILED, name, strerror(errno));
}

static void join_cgroup(const char *dir)
{
    char procs[4096];
    if (snprintf(procs, sizeof procs, "%s/cgroup.procs", dir) >= (int)sizeof procs) fail(SETUP_FAILED, "--cgroup", "path too long");
    int fd = open(procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail(SETUP_FAILED, procs, strerror(errno));
    if (write(fd, "0", 1) != 1) fail(SETUP_FAILED, procs, strerror(errno));
    close(fd);
}

int main(int argc, char **argv)
{
    const char *cgroup = NULL;
    int has_uid = 0, has_gid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    int has[4] = { 0 };
    unsigned long long limits[4] = { 0 };
    static const char *const names[4] = { "--cpu", "--as", "--fsize", "--nproc" };
    static const int resources[4] = { RLIMIT_CPU, RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_NPROC };

    // The agent's check that this build runs here (architecture, static libc) before it trusts it with commands.
    if (argc == 2 && strcmp(argv[1], "--check") == 0)
    {
        puts("p4flow-launch ok");
        return 0;
    }

    int at = 1;
    for (; at < argc && strcmp(argv[at], "--") != 0; at++)
    {
        const char *arg = argv[at], *value;
        int known = 0;
        for (int i = 0; i < 4 && !known; i++)
        {
            if ((value = value_of(arg, names[i])) != NULL)
            {
                limits[i] = number(names[i], value, ~0ULL);
                has[i] = known = 1;
            }
        }
        if (known) continue;
        if ((value = value_of(arg, "--cgroup")) != NULL && value[0] == '/') cgroup = value;
        else if ((value = value_of(arg, "--uid")) != NULL) { uid = (uid_t)number("--uid", value, 4294967294ULL); has_uid = 1; }
        else if ((value = value_of(arg, "--gid")) != NULL) { gid = (gid_t)number("--gid", value, 4294967294ULL); has_gid = 1; }
        else fail(SETUP_FAILED, "unknown option", arg);
    }
    if (at + 1 >= argc) fail(SETUP_FAILED, "no program after --", NULL);
    const char *program = argv[at + 1];
    if (program[0] != '/') fail(SETUP_FAILED, "the program must be an absolute path", program);
    if (has_uid != has_gid) fail(SETUP_FAILED, "--uid and --gid go together", NULL);
    if (has_uid && uid == 0) fail(SETUP_FAILED, "--uid", "commands never run as root");
    if (has_gid && gid == 0) fail(SETUP_FAILED, "--gid", "commands never run in root's group");

    if (setsid() < 0) fail(SETUP_FAILED, "setsid", strerror(errno));
    // Joined while still privileged: the cgroup's files belong to the agent.
    if (cgroup != NULL) join_cgroup(cgroup);
    for (int i = 0; i < 4; i++)
        if (has[i]) limit(resources[i], names[i], limits[i]);
    if (has_uid)
    {
        if (setgroups(0, NULL) != 0) fail(SETUP_FAILED, "setgroups", strerror(errno));
        if (setresgid(gid, gid, gid) != 0) fail(SETUP_FAILED, "setresgid", strerror(errno));
        if (setresuid(uid, uid, uid) != 0) fail(SETUP_FAILED, "setresuid", strerror(errno));
        // Privileges must be gone for good before anything of the command's runs.
        if (setuid(0) == 0 || getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid)
            fail(SETUP_FAILED, "the user switch did not hold", NULL);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(SETUP_FAILED, "no_new_privs", strerror(errno));
    }
    close_inherited();
    default_signals();

    execv(program, &argv[at + 1]);
    fail(EXEC_FAILED, program, strerror(errno));
    return EXEC_FAILED;
}
