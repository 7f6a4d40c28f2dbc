/* jf_child.h: forked helper children (the GEMM choice's measurements, the
 * BLIS kernel-set probe) must not outlive the rank that forked them: a
 * launcher that kills the rank (mpirun on a second SIGTERM) would
 * otherwise leave them computing. */
#ifndef JF_CHILD_H
#define JF_CHILD_H

#include <signal.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* In the child, right after fork(): die with SIGKILL when the parent
 * (whose pid the parent read before forking) goes; exit at once if it
 * already went. Elsewhere than Linux the child only checks once. */
static inline void jf_child_dies_with_parent(pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(5);
}

#endif
