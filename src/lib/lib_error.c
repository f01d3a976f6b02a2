/* lib_error.c: the public error API (a view of util/vr_error's
 * thread-local record) and the argument checks every entry point uses. */
#include <config.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

/* VireoError is never defined: a VireoError pointer is a VrError. */
static const VrError *
as_vr(const VireoError *err)
{
    return (const VrError *) (const void *) err;
}

const VireoError *
vireo_last_error(void)
{
    return (const VireoError *) (const void *) vr_error_last();
}

int
vireo_error_code(const VireoError *err)
{
    return err ? as_vr(err)->code : VIREO_ERR_OK;
}

int
vireo_error_domain(const VireoError *err)
{
    return err ? as_vr(err)->domain : VIREO_FROM_NONE;
}

const char *
vireo_error_message(const VireoError *err)
{
    if (!err)
        return "no error";
    return as_vr(err)->message ? as_vr(err)->message : "unknown error";
}

void
vireo_reset_error(void)
{
    vr_error_reset();
}

unsigned long
vireo_get_version(void)
{
    return VIREO_VERSION_NUMBER;
}

bool
vr_lib_check_conn(VireoConn *conn, const char *func)
{
    if (conn)
        return true;
    vr_error_report(VR_ERR_INVALID_CONN, VR_FROM_NONE, "%s", func);
    return false;
}

bool
vr_lib_check_domain(VireoDomain *dom, const char *func)
{
    if (dom && dom->conn)
        return true;
    vr_error_report(VR_ERR_INVALID_DOMAIN, VR_FROM_NONE, "%s", func);
    return false;
}

bool
vr_lib_check_arg(const void *ptr, const char *name, const char *func)
{
    if (ptr)
        return true;
    vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                    "%s in %s must not be NULL", name, func);
    return false;
}
