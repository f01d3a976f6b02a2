/* rpc_uri.h: parsing a connection URI into the socket to dial and the
 * name to send with CONNECT_OPEN (DESIGN.md "URIs").  Pure: no sockets. */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _VrRpcUri {
    char *uri;        /* the URI after defaults, as given by the user */
    char *driver;     /* "qemu" */
    char *transport;  /* NULL (local), "unix", "ssh" */
    char *path;       /* "/system" or "/session" */
    bool session;     /* per-user daemon */
    char *socket;     /* the UNIX socket to connect; for ssh the far
                       * side's ?socket= or NULL (the helper's default) */
    char *open_name;  /* sent with CONNECT_OPEN: no transport, no
                       * client-only parameters ("qemu:///system") */
    bool readonly;    /* the read-only socket was asked for */
    bool explicit_socket; /* ?socket= was given */
    /* ssh transport only (NULL / 0 otherwise) */
    char *host;
    int port;         /* 0: ssh's default */
    char *user;
    char *keyfile;
    char *known_hosts;
    bool no_verify;   /* ?no_verify=1: do not check the host key */
    bool no_tty;      /* ?no_tty=1: never prompt, even on a terminal */
} VrRpcUri;

/* The URI to use when the caller gave none: $VIREO_DEFAULT_URI when set
 * and non-empty, else "qemu:///system" for root, "qemu:///session"
 * otherwise.  Returns a new string. */
char *vr_rpc_uri_default(void);

/* Parse @uri (NULL: vr_rpc_uri_default()).  @readonly selects the
 * read-only system socket.  Returns a new VrRpcUri or NULL with an error
 * reported (VR_ERR_INVALID_ARG, VR_FROM_URI) saying what is wrong. */
VrRpcUri *vr_rpc_uri_parse(const char *uri, bool readonly);

void vr_rpc_uri_free(VrRpcUri *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcUri, vr_rpc_uri_free)
