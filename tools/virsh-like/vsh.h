/* vsh.h: what the vsh source files share: the control block, the command
 * table types and the output/error helpers.  vsh uses only the public
 * <vireo/vireo.h> API. */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <vireo/vireo.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoDomain, vireo_domain_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoNetwork, vireo_network_free)

typedef enum {
    VSH_OT_BOOL,      /* --flag */
    VSH_OT_STRING,    /* --opt VALUE, --opt=VALUE, or positional */
} VshOptType;

enum {
    VSH_OFLAG_REQ = 1 << 0,   /* must be given */
    VSH_OFLAG_POS = 1 << 1,   /* may be given without its --name */
    VSH_OFLAG_MULTI = 1 << 2, /* positional, repeatable: values joined by
                               * newlines (domstats DOMAIN...) */
};

typedef struct {
    const char *name;
    VshOptType type;
    unsigned int flags;
    const char *help;
} VshOptDef;

typedef struct _VshCtl VshCtl;
typedef struct _VshCmd VshCmd;
typedef bool (*VshHandler)(VshCtl *ctl, const VshCmd *cmd);

enum {
    VSH_CMD_NOCONNECT = 1 << 0,   /* runs without a connection */
};

typedef struct {
    const char *name;
    VshHandler handler;
    const VshOptDef *opts;        /* terminated by a NULL name */
    const char *summary;
    const char *desc;
    unsigned int flags;
    const char *group;            /* for "help" */
} VshCmdDef;

struct _VshCmd {
    const VshCmdDef *def;
    GHashTable *opts;             /* name -> value ("" for booleans) */
};

struct _VshCtl {
    VireoConn *conn;              /* NULL until the first command needs it */
    char *uri;                    /* -c / connect URI, NULL: default */
    bool readonly;
    bool quiet;
    bool interactive;
    bool quit;                    /* set by quit/exit */
};

/* vsh_table.c: the command table and command-line parsing. */
const VshCmdDef *vsh_cmd_table(void);           /* NULL name terminates */
const VshCmdDef *vsh_cmd_lookup(const char *name);
/* Parse @argv (argv[0] is the command).  Returns a new command or NULL
 * after printing an "error: ..." line. */
VshCmd *vsh_cmd_parse(int argc, char **argv);
void vsh_cmd_free(VshCmd *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VshCmd, vsh_cmd_free)
/* The value of option @name, or NULL when absent. */
const char *vsh_cmd_opt(const VshCmd *cmd, const char *name);
bool vsh_cmd_has(const VshCmd *cmd, const char *name);
bool vsh_cmd_help(VshCtl *ctl, const VshCmd *cmd);

/* vsh_ctl.c: running commands, output and errors. */
void vsh_error(VshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Print "error: <library message>" when the library has an error set,
 * then clear it. */
void vsh_report_error(VshCtl *ctl);
/* Print unless -q was given (virsh's "extra" messages). */
void vsh_print_extra(VshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Open the connection when there is none; false (error printed) on
 * failure. */
bool vsh_connect(VshCtl *ctl);
void vsh_disconnect(VshCtl *ctl);
/* Parse and run one command line given as a vector; true on success. */
bool vsh_run_argv(VshCtl *ctl, int argc, char **argv);
/* Resolve option "domain" like virsh: id, UUID, then name.  NULL after
 * printing "error: failed to get domain 'x'" (the library error stays set
 * for vsh_run_argv to print). */
VireoDomain *vsh_lookup_domain(VshCtl *ctl, const VshCmd *cmd);

/* vsh_cmds_net.c: resolve option "network" (UUID, then name).  NULL after
 * printing "error: failed to get network 'x'". */
VireoNetwork *vsh_lookup_network(VshCtl *ctl, const VshCmd *cmd);
/* net-list's options into VIREO_NETWORK_LIST_* flags (virsh's rules:
 * active only by default). */
unsigned int vsh_net_list_flags(bool all, bool inactive, bool persistent,
                                bool transient, bool autostart,
                                bool no_autostart);

/* vsh_cmds_netmore.c: net-update words into libvirt's numbers ("add" is
 * add-last), -1 when unknown; the net-dhcp-leases table and its expiry
 * column (local time).  Strings returned are new. */
int vsh_net_update_command(const char *word);
int vsh_net_update_section(const char *word);
char *vsh_lease_expiry_format(long long expiry);
char *vsh_net_leases_format(VireoNetworkDhcpLease **leases, int n);

/* vsh_net_guest.c: the net-event line; the domiflist table from domain
 * XML (NULL when the XML does not parse); the domifaddr listing.  New
 * strings. */
char *vsh_net_event_format(const char *net_name, int event);
char *vsh_domiflist_format(const char *xml);
char *vsh_domifaddr_format(VireoDomainInterface **ifaces, int n, bool full);

/* vsh_edit.c: run $VISUAL, $EDITOR or vi on @path (terminal inherited);
 * false after printing an error. */
bool vsh_edit_run_editor(VshCtl *ctl, const char *path);

/* vsh_shell.c: the interactive loop. */
int vsh_shell_run(VshCtl *ctl);

/* Command handlers (vsh_cmds_*.c, vsh_edit.c). */
bool vsh_cmd_connect(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_uri(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_version(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_hostname(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_nodeinfo(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_capabilities(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_quit(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_list(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_define(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_undefine(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_dominfo(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domuuid(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domname(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domid(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domstate(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_autostart(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_edit(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_start(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_create(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_shutdown(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_reboot(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_destroy(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_reset(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_suspend(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_resume(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domcapabilities(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_console(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_event(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_define(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_create(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_undefine(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_start(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_destroy(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_autostart(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_list(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_info(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_uuid(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_name(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_update(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_dhcp_leases(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_edit(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_net_event(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domiflist(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domifaddr(VshCtl *ctl, const VshCmd *cmd);

/* vsh_cmds_lifecycle.c: "acpi,agent,..." (--mode of shutdown and reboot)
 * into VIREO_SHUTDOWN_* flags; NULL gives 0.  Returns 0, or -1 for an
 * unknown word (nothing printed).  The accepted words (NULL-terminated,
 * for completion) come from vsh_shutdown_modes. */
int vsh_parse_shutdown_mode(const char *mode, unsigned int *flags);
const char *const *vsh_shutdown_modes(void);

/* vsh_console.c: run an interactive console session on @dom (which must
 * be running or paused) until Ctrl-], end of stdin or the end of the
 * stream.  False after printing an error. */
bool vsh_run_console(VshCtl *ctl, VireoDomain *dom, const char *devname,
                     unsigned int flags);

/* vsh_event.c: the line virsh prints for @ev (with its newline); a new
 * string.  And the --timeout value: a positive number of seconds into
 * @seconds, 0 on success, -1 when invalid (nothing printed). */
char *vsh_event_format(const char *dom_name, const VireoDomainEvent *ev);
int vsh_parse_timeout(const char *s, int *seconds);

/* Format a list table like virsh (vsh_cmds_domain.c): header (unless
 * @header is false), dashes, rows; columns separated by three blanks.
 * @cells holds @nrows + 1 rows (the first is the header) of @ncols
 * strings.  Returns a new string. */
char *vsh_table_format(const char *const *cells, int nrows, int ncols,
                       bool header);
