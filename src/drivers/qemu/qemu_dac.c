/* qemu_dac.c: the QEMU user's view of files and directories
 * (reachability checks with a message naming the first blocker) and
 * handing files to that user and back.  Pure file logic: no domain
 * objects here (qemu_dac_domain.c applies it to a domain's files).
 */
#include <config.h>

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_dac.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

/* Does the (uid, gid) credential get @bit (r=4, w=2, x=1) on @st?  Root
 * is not special here: QEMU never runs with our capabilities. */
static bool
dac_allows(const struct stat *st, uid_t uid, gid_t gid, unsigned int bit)
{
    if (st->st_uid == uid)
        return st->st_mode & (bit << 6);
    if (st->st_gid == gid)
        return st->st_mode & (bit << 3);
    return st->st_mode & bit;
}

static char *
owner_name(uid_t uid)
{
    struct passwd pw, *res = NULL;
    char buf[1024];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
        return g_strdup(res->pw_name);
    return g_strdup_printf("%u", (unsigned) uid);
}

static char *
blocked(const char *user, const char *verb, const char *path,
        const struct stat *st)
{
    g_autofree char *owner = owner_name(st->st_uid);

    return g_strdup_printf("QEMU user '%s' cannot %s '%s' (mode %04o, "
                           "owner %s)", user, verb, path,
                           (unsigned) (st->st_mode & 07777), owner);
}

/* The directories from "/" down to @path's parent, outermost first. */
static GPtrArray *
parents(const char *path)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dir = g_path_get_dirname(path);

    for (;;) {
        g_ptr_array_insert(dirs, 0, g_strdup(dir));
        if (g_str_equal(dir, "/") || g_str_equal(dir, "."))
            break;
        g_autofree char *up = g_path_get_dirname(dir);
        g_free(dir);
        dir = g_steal_pointer(&up);
    }
    return dirs;
}

char *
qemu_dac_check(const char *path, QemuDacNeed need, const char *user,
               uid_t uid, gid_t gid)
{
    g_autoptr(GPtrArray) dirs = parents(path);
    struct stat st;

    for (guint i = 0; i < dirs->len; i++) {
        const char *dir = dirs->pdata[i];

        if (stat(dir, &st) < 0)
            return g_strdup_printf("cannot access '%s': %s", dir,
                                   g_strerror(errno));
        if (!dac_allows(&st, uid, gid, 1))
            return blocked(user, "search", dir, &st);
    }
    if (need == QEMU_DAC_SEARCH)
        return NULL;
    if (stat(path, &st) < 0)
        return g_strdup_printf("cannot access '%s': %s", path,
                               g_strerror(errno));
    if (!dac_allows(&st, uid, gid, 4))
        return blocked(user, "read", path, &st);
    return NULL;
}

void
qemu_chown_saved_free(QemuChownSaved *s)
{
    if (!s)
        return;
    g_free(s->path);
    g_free(s);
}

void
qemu_chown_saved_array_free(GPtrArray *saved)
{
    if (!saved)
        return;
    for (guint i = 0; i < saved->len; i++)
        qemu_chown_saved_free(saved->pdata[i]);
    g_ptr_array_free(saved, TRUE);
}

int
qemu_dac_hand_over(GPtrArray *saved, const char *path, uid_t uid, gid_t gid)
{
    QemuChownSaved *s;
    struct stat st;

    if (stat(path, &st) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot access '%s'",
                               path);
        return -1;
    }
    if (st.st_uid == uid && st.st_gid == gid)
        return 0;
    for (guint i = 0; i < saved->len; i++)
        if (g_str_equal(((QemuChownSaved *) saved->pdata[i])->path, path))
            return 0;        /* one file used twice: keep the first owner */
    if (chown(path, uid, gid) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot hand '%s' to the QEMU user", path);
        return -1;
    }
    s = g_new0(QemuChownSaved, 1);
    s->path = g_strdup(path);
    s->uid = st.st_uid;
    s->gid = st.st_gid;
    s->mode = st.st_mode & 07777;
    g_ptr_array_add(saved, s);
    VR_DEBUG("handed '%s' to %u:%u", path, (unsigned) uid, (unsigned) gid);
    return 0;
}

static void
restore(const QemuChownSaved *s)
{
    /* chown clears set-id bits: the mode goes back after the owner. */
    if (chown(s->path, s->uid, s->gid) < 0)
        VR_WARN("cannot hand '%s' back to %u:%u: %s", s->path,
                (unsigned) s->uid, (unsigned) s->gid, g_strerror(errno));
    else if (chmod(s->path, s->mode) < 0)
        VR_WARN("cannot restore the mode %04o of '%s': %s",
                (unsigned) s->mode, s->path, g_strerror(errno));
}

void
qemu_dac_hand_back(GPtrArray *saved)
{
    for (guint i = 0; i < saved->len; i++)
        restore(saved->pdata[i]);
}

bool
qemu_dac_hand_back_path(GPtrArray *saved, const char *path)
{
    for (guint i = 0; i < saved->len; i++) {
        QemuChownSaved *s = saved->pdata[i];

        if (g_str_equal(s->path, path)) {
            restore(s);
            g_ptr_array_remove_index(saved, i);
            qemu_chown_saved_free(s);
            return true;
        }
    }
    return false;
}
