/* daemon_config.h: vireod.conf, the daemon's settings file.
 *
 * Same syntax as libvirtd.conf (util/vr_conf_file.h).  Keys Vireo does not
 * know - including libvirtd's admin and TLS keys - are rejected with a
 * message naming the key and its line, so a typo never goes unnoticed.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct {
    char *unix_sock_group;             /* NULL: the daemon's group */
    mode_t unix_sock_rw_perms;         /* 0700 */
    mode_t unix_sock_ro_perms;         /* 0777 */
    int log_level;                     /* 1 debug .. 4 error; default 3 */
    char *log_outputs;                 /* NULL: "<log_level>:stderr" */
    unsigned int max_clients;          /* 5000 */
    unsigned int max_workers;          /* 20 */
    unsigned int min_workers;          /* 5 */
    unsigned int prio_workers;         /* 5 */
    unsigned int max_client_requests;  /* 5 */
    size_t max_message_size;           /* 33554432, also the maximum */
    unsigned int keepalive_interval;   /* 5 s; 0 disables */
    unsigned int keepalive_count;      /* 5 */
    int auth_unix_rw;                  /* DAEMON_AUTH_NONE or _POLKIT */
    int auth_unix_ro;                  /* DAEMON_AUTH_NONE */
    char *qemu_user;                   /* NULL: see vireod(8) */
    char *qemu_group;                  /* NULL: qemu_user's group */
} DaemonConfig;

/* A configuration holding the defaults above.  Never fails. */
DaemonConfig *daemon_config_new(void);
void daemon_config_free(DaemonConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonConfig, daemon_config_free)

/* Apply the settings in @text (from @origin, used in messages) over @cfg.
 * Returns 0, or -1 with VR_ERR_CONF_SYNTAX reported (syntax, unknown key,
 * wrong type, value out of range); @cfg may then be partly updated. */
int daemon_config_load_string(DaemonConfig *cfg, const char *text,
                              const char *origin);

/* Same for a file.  Returns 0 or -1 (reported). */
int daemon_config_load_file(DaemonConfig *cfg, const char *path);
