/* daemon_config.c: defaults for vireod.conf and loading it. */
#include <config.h>

#include <stdlib.h>

#include "daemon/daemon_config.h"
#include "daemon/daemon_dispatch.h"
#include "util/vr_conf_file.h"
#include "util/vr_error.h"
#include "util/vr_file.h"

#define CONFIG_FILE_MAX (1024 * 1024)
#define MESSAGE_SIZE_MAX 33554432

static const char *const known_keys[] = {
    "unix_sock_group", "unix_sock_rw_perms", "unix_sock_ro_perms",
    "log_level", "log_outputs", "max_clients", "max_workers", "min_workers",
    "prio_workers", "max_client_requests", "max_message_size",
    "keepalive_interval", "keepalive_count", "auth_unix_rw", "auth_unix_ro",
    "qemu_user", "qemu_group",
    NULL,
};

DaemonConfig *
daemon_config_new(void)
{
    DaemonConfig *cfg = g_new0(DaemonConfig, 1);

    cfg->unix_sock_rw_perms = 0700;
    cfg->unix_sock_ro_perms = 0777;
    cfg->log_level = 3;
    cfg->max_clients = 5000;
    cfg->max_workers = 20;
    cfg->min_workers = 5;
    cfg->prio_workers = 5;
    cfg->max_client_requests = 5;
    cfg->max_message_size = MESSAGE_SIZE_MAX;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    return cfg;
}

void
daemon_config_free(DaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->unix_sock_group);
    g_free(cfg->log_outputs);
    g_free(cfg->qemu_user);
    g_free(cfg->qemu_group);
    g_free(cfg);
}

static int
reject_unknown(const VrConf *conf, const char *origin)
{
    g_auto(GStrv) unknown = vr_conf_unknown_keys(conf, known_keys);
    const VrConfValue *v;

    if (!unknown)
        return 0;
    v = vr_conf_get(conf, unknown[0]);
    vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                    "%s:%d: unknown setting '%s' (vireod.conf(5) lists the "
                    "supported settings)", origin, v ? v->line : 0,
                    unknown[0]);
    return -1;
}

/* A permission string such as "0770": octal, at most 0777. */
static int
get_perms(const VrConf *conf, const char *key, const char *origin,
          mode_t *out)
{
    g_autofree char *str = NULL;
    char *end;
    unsigned long v;

    if (vr_conf_get_string(conf, key, &str) < 0)
        return -1;
    if (!str)
        return 0;
    v = strtoul(str, &end, 8);
    if (!*str || *end || v > 0777) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "%s:%d: '%s' must be an octal mode such as \"0770\", "
                        "not \"%s\"", origin, vr_conf_get(conf, key)->line,
                        key, str);
        return -1;
    }
    *out = (mode_t) v;
    return 0;
}

/* auth_unix_rw / auth_unix_ro: "none" or "polkit" (libvirt's names;
 * libvirt's "sasl" is not supported). */
static int
get_auth(const VrConf *conf, const char *key, const char *origin, int *out)
{
    g_autofree char *str = NULL;

    if (vr_conf_get_string(conf, key, &str) < 0)
        return -1;
    if (!str)
        return 0;
    if (g_str_equal(str, "none")) {
        *out = DAEMON_AUTH_NONE;
    } else if (g_str_equal(str, "polkit")) {
        *out = DAEMON_AUTH_POLKIT;
    } else {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "%s:%d: '%s' must be \"none\" or \"polkit\", not "
                        "\"%s\"", origin, vr_conf_get(conf, key)->line, key,
                        str);
        return -1;
    }
    return 0;
}

static int
get_uint(const VrConf *conf, const char *key, long long min, long long max,
         unsigned int *out)
{
    long long v = *out;

    if (vr_conf_get_int(conf, key, min, max, &v) < 0)
        return -1;
    *out = (unsigned int) v;
    return 0;
}

static int
apply(DaemonConfig *cfg, const VrConf *conf, const char *origin)
{
    long long level = cfg->log_level;
    long long msg = (long long) cfg->max_message_size;

    if (reject_unknown(conf, origin) < 0 ||
        vr_conf_get_string(conf, "unix_sock_group",
                           &cfg->unix_sock_group) < 0 ||
        get_perms(conf, "unix_sock_rw_perms", origin,
                  &cfg->unix_sock_rw_perms) < 0 ||
        get_perms(conf, "unix_sock_ro_perms", origin,
                  &cfg->unix_sock_ro_perms) < 0 ||
        vr_conf_get_int(conf, "log_level", 1, 4, &level) < 0 ||
        vr_conf_get_string(conf, "log_outputs", &cfg->log_outputs) < 0 ||
        get_uint(conf, "max_clients", 1, 1000000, &cfg->max_clients) < 0 ||
        get_uint(conf, "max_workers", 1, 1000, &cfg->max_workers) < 0 ||
        get_uint(conf, "min_workers", 1, 1000, &cfg->min_workers) < 0 ||
        get_uint(conf, "prio_workers", 0, 1000, &cfg->prio_workers) < 0 ||
        get_uint(conf, "max_client_requests", 1, 10000,
                 &cfg->max_client_requests) < 0 ||
        vr_conf_get_int(conf, "max_message_size", 65536, MESSAGE_SIZE_MAX,
                        &msg) < 0 ||
        get_uint(conf, "keepalive_interval", 0, 3600,
                 &cfg->keepalive_interval) < 0 ||
        get_uint(conf, "keepalive_count", 0, 1000,
                 &cfg->keepalive_count) < 0 ||
        get_auth(conf, "auth_unix_rw", origin, &cfg->auth_unix_rw) < 0 ||
        get_auth(conf, "auth_unix_ro", origin, &cfg->auth_unix_ro) < 0 ||
        vr_conf_get_string(conf, "qemu_user", &cfg->qemu_user) < 0 ||
        vr_conf_get_string(conf, "qemu_group", &cfg->qemu_group) < 0)
        return -1;
    cfg->log_level = (int) level;
    cfg->max_message_size = (size_t) msg;
    if (cfg->min_workers > cfg->max_workers) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "%s: min_workers (%u) is larger than max_workers (%u)",
                        origin, cfg->min_workers, cfg->max_workers);
        return -1;
    }
    return 0;
}

int
daemon_config_load_string(DaemonConfig *cfg, const char *text,
                          const char *origin)
{
    g_autoptr(VrConf) conf = vr_conf_parse_string(text, origin);

    if (!conf)
        return -1;
    return apply(cfg, conf, origin);
}

int
daemon_config_load_file(DaemonConfig *cfg, const char *path)
{
    g_autofree char *text = NULL;

    if (vr_file_read_all(path, CONFIG_FILE_MAX, &text, NULL) < 0)
        return -1;
    return daemon_config_load_string(cfg, text, path);
}
