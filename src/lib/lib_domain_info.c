/* lib_domain_info.c: domain state, information and local fields, plus the
 * state/reason words virsh prints. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

int
vireo_domain_get_info(VireoDomain *dom, VireoDomainInfo *info)
{
    vr_domain_args args;
    vr_domain_get_info_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(info, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_INFO,
                    (xdrproc_t) xdr_vr_domain_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_info_ret, &ret) < 0)
        return -1;
    info->state = ret.state;
    info->max_mem = ret.max_mem;
    info->memory = ret.memory;
    info->nr_vcpus = ret.nr_virt_cpu;
    info->cpu_time = ret.cpu_time;
    return 0;
}

int
vireo_domain_get_state(VireoDomain *dom, int *state, int *reason)
{
    vr_domain_flags_args args;
    vr_domain_get_state_ret ret = { 0 };
    VireoDomainInfo info;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(state, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = 0;
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_STATE,
                    (xdrproc_t) xdr_vr_domain_flags_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_state_ret, &ret) == 0) {
        *state = ret.state;
        if (reason)
            *reason = ret.reason;
        return 0;
    }
    /* Older daemons: the state from GET_INFO, reason unknown. */
    if (vr_error_code() != VR_ERR_NO_SUPPORT ||
        vireo_domain_get_info(dom, &info) < 0)
        return -1;
    *state = info.state;
    if (reason)
        *reason = 0;
    return 0;
}

/* A call taking a domain (and flags 0 when @with_flags) returning an int:
 * the value, or -1 on error. */
static int
domain_get_int(VireoDomain *dom, int proc, bool with_flags)
{
    vr_domain_flags_args args;
    vr_int_ret ret = { 0 };

    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = 0;
    if (vr_lib_call(dom->conn, proc,
                    with_flags ? (xdrproc_t) xdr_vr_domain_flags_args
                               : (xdrproc_t) xdr_vr_domain_args, &args,
                    (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

int
vireo_domain_is_active(VireoDomain *dom)
{
    int rc;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    rc = domain_get_int(dom, VR_PROC_DOMAIN_IS_ACTIVE, false);
    return rc < 0 ? -1 : rc > 0;
}

int
vireo_domain_is_persistent(VireoDomain *dom)
{
    int rc;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    rc = domain_get_int(dom, VR_PROC_DOMAIN_IS_PERSISTENT, false);
    return rc < 0 ? -1 : rc > 0;
}

int
vireo_domain_has_managed_save(VireoDomain *dom)
{
    int rc;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    rc = domain_get_int(dom, VR_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, true);
    return rc < 0 ? -1 : rc > 0;
}

int
vireo_domain_get_autostart(VireoDomain *dom, int *autostart)
{
    int rc;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(autostart, -1);
    if ((rc = domain_get_int(dom, VR_PROC_DOMAIN_GET_AUTOSTART, false)) < 0)
        return -1;
    *autostart = rc > 0;
    return 0;
}

int
vireo_domain_set_autostart(VireoDomain *dom, int autostart)
{
    vr_domain_set_autostart_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.autostart = autostart ? 1 : 0;
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SET_AUTOSTART,
                       (xdrproc_t) xdr_vr_domain_set_autostart_args, &args,
                       NULL, NULL);
}

char *
vireo_domain_get_os_type(VireoDomain *dom)
{
    vr_domain_args args;
    vr_nonnull_string type = NULL;
    char *res;

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    vr_lib_domain_to_wire(dom, &args.dom);
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_OS_TYPE,
                    (xdrproc_t) xdr_vr_domain_args, &args,
                    (xdrproc_t) xdr_vr_nonnull_string, &type) < 0)
        return NULL;
    res = g_strdup(type);
    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &type);
    return res;
}

int
vireo_domain_get_security_label(VireoDomain *dom, VireoSecurityLabel *label)
{
    vr_domain_args args;
    vr_domain_get_security_label_ret ret;
    size_t n;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(label, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_SECURITY_LABEL,
                    (xdrproc_t) xdr_vr_domain_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_security_label_ret,
                    &ret) < 0)
        return -1;
    n = MIN((size_t) ret.label.label_len, sizeof(label->label) - 1);
    if (ret.label.label_val)
        memcpy(label->label, ret.label.label_val, n);
    else
        n = 0;
    label->label[n] = '\0';
    label->enforcing = ret.enforcing ? 1 : 0;
    xdr_free((xdrproc_t) xdr_vr_domain_get_security_label_ret, (char *) &ret);
    return 0;
}

const char *
vireo_domain_get_name(VireoDomain *dom)
{
    return dom ? dom->name : NULL;
}

int
vireo_domain_get_uuid(VireoDomain *dom, unsigned char *uuid)
{
    if (!dom || !uuid)
        return -1;
    memcpy(uuid, dom->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int
vireo_domain_get_uuid_string(VireoDomain *dom, char *buf)
{
    if (!dom || !buf)
        return -1;
    vr_uuid_format(dom->uuid, buf);
    return 0;
}

int
vireo_domain_get_id(VireoDomain *dom)
{
    return dom ? dom->id : -1;
}

VireoConn *
vireo_domain_get_conn(VireoDomain *dom)
{
    return dom ? dom->conn : NULL;
}

/* ---- words ----------------------------------------------------------- */

static const char *const state_words[] = {
    "no state", "running", "idle", "paused", "in shutdown", "shut off",
    "crashed", "pmsuspended",
};

static const char *const reasons_nostate[] = { "unknown", NULL };
static const char *const reasons_running[] = {
    "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
    "migration canceled", "save canceled", "event wakeup", "crashed",
    "post-copy", "post-copy failed", NULL
};
static const char *const reasons_paused[] = {
    "unknown", "user", "migrating", "saving", "dumping", "I/O error",
    "watchdog", "from snapshot", "shutting down", "creating snapshot",
    "crashed", "starting up", "post-copy", "post-copy failed", "api error",
    NULL
};
static const char *const reasons_shutdown[] = { "unknown", "user", NULL };
static const char *const reasons_shutoff[] = {
    "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved",
    "failed", "from snapshot", "daemon", NULL
};
static const char *const reasons_crashed[] = { "unknown", "panicked", NULL };

static const char *const *const reason_tables[] = {
    reasons_nostate, reasons_running, reasons_nostate, reasons_paused,
    reasons_shutdown, reasons_shutoff, reasons_crashed, reasons_nostate,
};

const char *
vireo_domain_state_string(int state)
{
    if (state < 0 || (size_t) state >= G_N_ELEMENTS(state_words))
        return state_words[0];
    return state_words[state];
}

const char *
vireo_domain_reason_string(int state, int reason)
{
    const char *const *table;

    if (state < 0 || (size_t) state >= G_N_ELEMENTS(reason_tables) ||
        reason < 0)
        return "unknown";
    table = reason_tables[state];
    for (int i = 0; table[i]; i++) {
        if (i == reason)
            return table[i];
    }
    return "unknown";
}
