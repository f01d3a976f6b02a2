/* vr_command.h: the one API for running helper programs (QEMU, qemu-img,
 * dnsmasq, nft, ssh).  No system(), popen() or bare fork() elsewhere.
 *
 * Children get a clean environment (PATH=/usr/sbin:/usr/bin:/sbin:/bin,
 * LC_ALL=C, plus what is set explicitly), every fd closed except stdio and
 * the fds passed with vr_command_pass_fd (kept at the same number), default
 * signal dispositions and an empty signal mask.
 *
 * CONTRACT (consumed by src/drivers, src/network, src/storage; keep stable).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct _VrCommand VrCommand;

VrCommand *vr_command_new(const char *binary);
void vr_command_add_arg(VrCommand *cmd, const char *arg);
void vr_command_add_argf(VrCommand *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Add "-opt" "value" as two arguments. */
void vr_command_add_arg_pair(VrCommand *cmd, const char *opt, const char *val);
void vr_command_set_env(VrCommand *cmd, const char *name, const char *value);
/* Keep @fd open in the child at the same number (dup'ed without CLOEXEC
 * there; the parent's copy is unchanged). */
void vr_command_pass_fd(VrCommand *cmd, int fd);
/* stdin from /dev/null (default), stdout and stderr appended to @path
 * (created 0600) or, when NULL, /dev/null. */
void vr_command_set_output_file(VrCommand *cmd, const char *path);
/* Run as @uid/@gid (with supplementary groups cleared) when not -1. */
void vr_command_set_user(VrCommand *cmd, uid_t uid, gid_t gid);
/* Start the child in a new session (setsid), e.g. QEMU, which must outlive
 * the daemon. */
void vr_command_set_new_session(VrCommand *cmd);
void vr_command_set_umask(VrCommand *cmd, mode_t mask);
void vr_command_set_cwd(VrCommand *cmd, const char *dir);

/* The argv built so far (NULL-terminated, owned by @cmd). */
const char *const *vr_command_argv(const VrCommand *cmd);
/* "binary arg1 'arg with space' ..." shell-quoted, one line: for logs and
 * golden tests.  Caller frees. */
char *vr_command_to_string(const VrCommand *cmd);

/* Start the child without waiting.  *pid is the child's pid (it is our
 * direct child; reap it with waitpid or watch a pidfd).  If @pidfd is not
 * NULL it receives a pidfd for the child (pidfd_open, CLOEXEC).  An exec
 * failure (missing binary, not executable) is detected before returning
 * and reported with the binary's path.  Returns 0 or -1 (reported). */
int vr_command_spawn(VrCommand *cmd, pid_t *pid, int *pidfd);

/* Run to completion, capturing stdout/stderr (either may be NULL to
 * discard) up to 16 MiB each.  *exit_status gets the exit code (or 128 +
 * signal); when @exit_status is NULL a non-zero exit is an error reported
 * with the command line and the first lines of stderr.  Returns 0 or -1. */
int vr_command_run(VrCommand *cmd, int *exit_status, char **out, char **err);

void vr_command_free(VrCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrCommand, vr_command_free)

/* pidfd_open(2) wrapper: returns a CLOEXEC pidfd or -1 with errno set
 * (not reported). */
int vr_pidfd_open(pid_t pid);
