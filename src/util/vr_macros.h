/* vr_macros.h: small helpers every layer uses (fd cleanup, array size). */
#pragma once

#include <errno.h>
#include <unistd.h>

/* Close an owned fd when it leaves scope (GLib 2.74 has no g_autofd).
 * Steal ownership with vr_steal_fd(&fd). */
static inline void
vr_close_fdp(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}
#define VR_AUTOCLOSE __attribute__((cleanup(vr_close_fdp)))

static inline int
vr_steal_fd(int *fd)
{
    int ret = *fd;
    *fd = -1;
    return ret;
}

#define VR_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))
