/* qemu_dac.h: QEMU as an unprivileged user (discretionary access
 * control) - can the QEMU user reach a path, handing files to that user
 * while a domain runs and handing them back (owner, group, mode) on every
 * stop path.  Internal to the QEMU driver.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "conf/domain_conf.h"

/* What the QEMU user needs of a path. */
typedef enum {
    QEMU_DAC_SEARCH,         /* only reach it: every directory above */
    QEMU_DAC_READ,           /* ... and read the file itself */
} QemuDacNeed;

/* Can @uid/@gid (no supplementary groups, as QEMU runs) reach @path for
 * @need?  Returns NULL when it can, otherwise a message (owned) naming the
 * first blocking directory or file, e.g. "QEMU user 'vireo-qemu' cannot
 * search '/tmp/r' (mode 0700, owner root)".  @user names the user in the
 * message.  Uses stat() only; never reports. */
char *qemu_dac_check(const char *path, QemuDacNeed need, const char *user,
                     uid_t uid, gid_t gid);

/* A file handed to the QEMU user while the domain runs. */
typedef struct {
    char *path;
    uid_t uid;
    gid_t gid;
    mode_t mode;             /* permission bits before (07777) */
} QemuChownSaved;

void qemu_chown_saved_free(QemuChownSaved *s);
/* Free @saved (QemuChownSaved *) and its records; NULL-safe. */
void qemu_chown_saved_array_free(GPtrArray *saved);

/* Hand @path to @uid/@gid unless it already is theirs; on success the
 * previous owner, group and mode are appended to @saved (QemuChownSaved *).
 * Returns 0 or -1 (reported). */
int qemu_dac_hand_over(GPtrArray *saved, const char *path, uid_t uid,
                       gid_t gid);

/* Restore every record of @saved (owner, group, then mode), warning on
 * failure.  Never fails. */
void qemu_dac_hand_back(GPtrArray *saved);

/* Restore and remove the record for @path from @saved, if any.  Returns
 * true when there was one.  Never reports. */
bool qemu_dac_hand_back_path(GPtrArray *saved, const char *path);
