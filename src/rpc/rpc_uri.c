/* rpc_uri.c: connection URIs -> socket path and CONNECT_OPEN name. */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "rpc/rpc_uri.h"
#include "util/vr_error.h"
#include "util/vr_paths.h"

#define VR_RPC_URI_HINT \
    "use qemu:///system, qemu:///session, qemu+unix:///system?socket=PATH " \
    "or qemu+ssh://[user@]host[:port]/system"

/* Query parameters only the client looks at: never sent to the daemon. */
static const char *const client_only_params[] = {
    "name", "command", "socket", "auth", "netcat", "keyfile", "no_verify",
    "no_tty", "pkipath", "known_hosts", "sshauth", "mode", "proxy", NULL
};

void
vr_rpc_uri_free(VrRpcUri *uri)
{
    if (!uri)
        return;
    g_free(uri->uri);
    g_free(uri->driver);
    g_free(uri->transport);
    g_free(uri->path);
    g_free(uri->socket);
    g_free(uri->open_name);
    g_free(uri->host);
    g_free(uri->user);
    g_free(uri->keyfile);
    g_free(uri->known_hosts);
    g_free(uri);
}

char *
vr_rpc_uri_default(void)
{
    const char *env = g_getenv("VIREO_DEFAULT_URI");

    if (env && *env)
        return g_strdup(env);
    return g_strdup(geteuid() == 0 ? "qemu:///system" : "qemu:///session");
}

static void
uri_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* URI errors carry no generic prefix: the text says it all. */
static void
uri_error(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vr_error_set_raw(VR_ERR_INVALID_ARG, VR_FROM_URI, VR_ERR_LEVEL_ERROR,
                     msg, "%s", msg);
}

/* Split "qemu+unix" into driver and transport.  Returns 0 or -1 with an
 * error reported. */
static int
uri_split_scheme(VrRpcUri *res, const char *scheme)
{
    const char *plus = strchr(scheme, '+');

    res->driver = plus ? g_strndup(scheme, plus - scheme) : g_strdup(scheme);
    res->transport = plus ? g_strdup(plus + 1) : NULL;
    if (strcmp(res->driver, "qemu") != 0) {
        uri_error("unsupported URI scheme '%s' in '%s': Vireo manages QEMU "
                  "only; " VR_RPC_URI_HINT, res->driver, res->uri);
        return -1;
    }
    if (res->transport && strcmp(res->transport, "unix") != 0 &&
        strcmp(res->transport, "ssh") != 0) {
        uri_error("unsupported transport '%s' in '%s': only local and "
                  "ssh connections are supported; " VR_RPC_URI_HINT,
                  res->transport, res->uri);
        return -1;
    }
    return 0;
}

/* Rebuild the query without client-only parameters ("" when none). */
static char *
uri_daemon_query(GHashTable *params)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GList) keys = params ? g_hash_table_get_keys(params) : NULL;

    keys = g_list_sort(keys, (GCompareFunc) strcmp);
    for (GList *k = keys; k; k = k->next) {
        const char *val = g_hash_table_lookup(params, k->data);
        g_autofree char *ekey = NULL;
        g_autofree char *eval = NULL;

        if (g_strv_contains(client_only_params, k->data))
            continue;
        ekey = g_uri_escape_string(k->data, NULL, FALSE);
        eval = g_uri_escape_string(val, NULL, FALSE);
        g_string_append_printf(buf, "%s%s=%s", buf->len ? "&" : "?",
                               ekey, eval);
    }
    return g_strdup(buf->str);
}

/* Choose the socket: ?socket=PATH, else the daemon's default path. */
static int
uri_pick_socket(VrRpcUri *res, GHashTable *params, bool readonly)
{
    const char *sock = params ? g_hash_table_lookup(params, "socket") : NULL;
    g_autoptr(VrPaths) paths = NULL;

    if (sock) {
        if (!*sock || !g_path_is_absolute(sock)) {
            uri_error("the socket parameter in '%s' must be an absolute "
                      "path", res->uri);
            return -1;
        }
        res->socket = g_strdup(sock);
        res->explicit_socket = true;
        return 0;
    }
    if (res->host)
        return 0;         /* the far side's default: the helper knows */
    if (!(paths = vr_paths_new(!res->session, NULL)))
        return -1;
    res->socket = g_strdup(readonly && !res->session ? paths->sock_ro
                                                     : paths->sock_rw);
    return 0;
}

/* A boolean query value: "1" or "0" (libvirt's no_verify / no_tty). */
static int
uri_get_bool(VrRpcUri *res, GHashTable *params, const char *key, bool *out)
{
    const char *val = params ? g_hash_table_lookup(params, key) : NULL;

    if (!val)
        return 0;
    if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0) {
        uri_error("%s in '%s' must be 0 or 1, not '%s'", key, res->uri, val);
        return -1;
    }
    *out = val[0] == '1';
    return 0;
}

/* The ssh parameters: keyfile, known_hosts, no_verify, no_tty. */
static int
uri_ssh_params(VrRpcUri *res, GHashTable *params)
{
    const char *key = params ? g_hash_table_lookup(params, "keyfile") : NULL;
    const char *kh = params ? g_hash_table_lookup(params, "known_hosts")
                            : NULL;

    res->keyfile = g_strdup(key && *key ? key : NULL);
    res->known_hosts = g_strdup(kh && *kh ? kh : NULL);
    return uri_get_bool(res, params, "no_verify", &res->no_verify) < 0 ||
           uri_get_bool(res, params, "no_tty", &res->no_tty) < 0 ? -1 : 0;
}

/* Check host and path; fills res->path and res->session. */
static int
uri_check_location(VrRpcUri *res, GUri *guri)
{
    const char *host = g_uri_get_host(guri);
    const char *path = g_uri_get_path(guri);

    bool ssh = g_strcmp0(res->transport, "ssh") == 0;

    if (host && *host && !ssh) {
        uri_error("remote host '%s' in '%s' needs a transport: "
                  "use qemu+ssh://%s/system", host, res->uri, host);
        return -1;
    }
    if (ssh && (!host || !*host)) {
        uri_error("'%s' names no host: use "
                  "qemu+ssh://[user@]host[:port]/system", res->uri);
        return -1;
    }
    if (ssh) {
        res->host = g_strdup(host);
        res->user = g_strdup(g_uri_get_user(guri));
        res->port = MAX(g_uri_get_port(guri), 0);
    }
    if (strcmp(path, "/system") != 0 && strcmp(path, "/session") != 0) {
        uri_error("unexpected path '%s' in '%s': a QEMU URI ends in /system "
                  "or /session", *path ? path : "", res->uri);
        return -1;
    }
    res->path = g_strdup(path);
    res->session = strcmp(path, "/session") == 0;
    return 0;
}

VrRpcUri *
vr_rpc_uri_parse(const char *uri, bool readonly)
{
    g_autoptr(VrRpcUri) res = g_new0(VrRpcUri, 1);
    g_autoptr(GUri) guri = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GHashTable) params = NULL;
    g_autofree char *query = NULL;
    const char *rawq;

    res->uri = uri ? g_strdup(uri) : vr_rpc_uri_default();
    if (!(guri = g_uri_parse(res->uri, G_URI_FLAGS_ENCODED_QUERY, &gerr))) {
        uri_error("invalid URI '%s': %s; " VR_RPC_URI_HINT, res->uri,
                  gerr->message);
        return NULL;
    }
    if (uri_split_scheme(res, g_uri_get_scheme(guri)) < 0 ||
        uri_check_location(res, guri) < 0)
        return NULL;
    if ((rawq = g_uri_get_query(guri)) && *rawq &&
        !(params = g_uri_parse_params(rawq, -1, "&", G_URI_PARAMS_NONE,
                                      &gerr))) {
        uri_error("invalid query in URI '%s': %s", res->uri, gerr->message);
        return NULL;
    }
    res->readonly = readonly;
    if (uri_pick_socket(res, params, readonly) < 0 ||
        (res->host && uri_ssh_params(res, params) < 0))
        return NULL;
    query = uri_daemon_query(params);
    res->open_name = g_strdup_printf("%s://%s%s", res->driver, res->path,
                                     query);
    return g_steal_pointer(&res);
}
