/* vr_error.c: thread-local last error with libvirt-compatible wording. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "vr_error.h"

static GPrivate last_error = G_PRIVATE_INIT((GDestroyNotify) vr_error_free);

void
vr_error_free(VrError *err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err);
}

/* The generic text libvirt puts before the detail, by error code.  Only
 * codes Vireo emits need an entry; the rest fall back to "%s". */
const char *
vr_error_code_prefix(int code)
{
    switch (code) {
    case VR_ERR_INTERNAL_ERROR: return "internal error: %s";
    case VR_ERR_NO_MEMORY: return "out of memory: %s";
    case VR_ERR_NO_SUPPORT: return "this function is not supported by the connection driver: %s";
    case VR_ERR_NO_CONNECT: return "no connection driver available for %s";
    case VR_ERR_INVALID_CONN: return "invalid connection pointer in %s";
    case VR_ERR_INVALID_DOMAIN: return "invalid domain pointer in %s";
    case VR_ERR_INVALID_ARG: return "invalid argument: %s";
    case VR_ERR_OPERATION_FAILED: return "operation failed: %s";
    case VR_ERR_OS_TYPE: return "unknown OS type %s";
    case VR_ERR_NO_NAME: return "missing name information in %s";
    case VR_ERR_XML_ERROR: return "XML error: %s";
    case VR_ERR_DOM_EXIST: return "operation failed: %s";
    case VR_ERR_OPERATION_DENIED: return "operation forbidden: %s";
    case VR_ERR_OPEN_FAILED: return "failed to open configuration file %s";
    case VR_ERR_READ_FAILED: return "failed to read configuration file %s";
    case VR_ERR_PARSE_FAILED: return "failed to parse configuration file %s";
    case VR_ERR_CONF_SYNTAX: return "configuration file syntax error: %s";
    case VR_ERR_WRITE_FAILED: return "failed to write configuration file: %s";
    case VR_ERR_INVALID_NETWORK: return "invalid network pointer in %s";
    case VR_ERR_NETWORK_EXIST: return "operation failed: %s";
    case VR_ERR_NO_DOMAIN: return "Domain not found: %s";
    case VR_ERR_NO_NETWORK: return "Network not found: %s";
    case VR_ERR_INVALID_MAC: return "invalid MAC address: %s";
    case VR_ERR_AUTH_FAILED: return "authentication failed: %s";
    case VR_ERR_INVALID_STORAGE_POOL: return "invalid storage pool pointer in %s";
    case VR_ERR_INVALID_STORAGE_VOL: return "invalid storage volume pointer in %s";
    case VR_ERR_NO_STORAGE_POOL: return "Storage pool not found: %s";
    case VR_ERR_NO_STORAGE_VOL: return "Storage volume not found: %s";
    case VR_ERR_OPERATION_INVALID: return "Requested operation is not valid: %s";
    case VR_ERR_CONFIG_UNSUPPORTED: return "unsupported configuration: %s";
    case VR_ERR_OPERATION_TIMEOUT: return "Timed out during operation: %s";
    case VR_ERR_NO_DOMAIN_SNAPSHOT: return "Domain snapshot not found: %s";
    case VR_ERR_ARGUMENT_UNSUPPORTED: return "argument unsupported: %s";
    case VR_ERR_OPERATION_ABORTED: return "operation aborted: %s";
    case VR_ERR_STORAGE_POOL_BUILT: return "storage pool already built: %s";
    case VR_ERR_OPERATION_UNSUPPORTED: return "Operation not supported: %s";
    case VR_ERR_RESOURCE_BUSY: return "resource busy: %s";
    case VR_ERR_ACCESS_DENIED: return "access denied: %s";
    case VR_ERR_STORAGE_VOL_EXIST: return "storage volume already exists: %s";
    case VR_ERR_XML_INVALID_SCHEMA: return "XML document failed to validate against schema: %s";
    case VR_ERR_MULTIPLE_DOMAINS: return "operation failed: %s";
    default: return "%s";
    }
}

static void
store(VrError *err)
{
    g_private_replace(&last_error, err);
}

void
vr_error_set_raw(int code, int domain, int level, const char *message,
                 const char *str1, const char *str2)
{
    VrError *err = g_new0(VrError, 1);

    err->code = code;
    err->domain = domain;
    err->level = level;
    err->message = g_strdup(message ? message : "unknown error");
    err->str1 = g_strdup(str1);
    err->str2 = g_strdup(str2);
    store(err);
}

void
vr_error_reportv(int code, int domain, const char *fmt, va_list ap)
{
    g_autofree char *detail = g_strdup_vprintf(fmt, ap);
    const char *prefix = vr_error_code_prefix(code);
    const char *pct = strstr(prefix, "%s");
    g_autofree char *message = NULL;

    /* Build "prefix-before-%s" + detail + "prefix-after-%s" without
     * handing a non-literal format to printf. */
    if (pct)
        message = g_strdup_printf("%.*s%s%s", (int) (pct - prefix), prefix,
                                  detail, pct + 2);
    else
        message = g_strdup(detail);
    vr_error_set_raw(code, domain, VR_ERR_LEVEL_ERROR, message, prefix, detail);
}

void
vr_error_report(int code, int domain, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vr_error_reportv(code, domain, fmt, ap);
    va_end(ap);
}

void
vr_error_report_system(int errnum, int domain, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *detail = NULL;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vr_error_report(VR_ERR_SYSTEM_ERROR, domain, "%s: %s", detail,
                    g_strerror(errnum));
}

void
vr_error_prefix(const char *fmt, ...)
{
    VrError *err = g_private_get(&last_error);
    g_autofree char *ctx = NULL;
    char *msg;
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    ctx = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strdup_printf("%s: %s", ctx, err->message);
    g_free(err->message);
    err->message = msg;
}

const VrError *
vr_error_last(void)
{
    return g_private_get(&last_error);
}

VrError *
vr_error_copy_last(void)
{
    const VrError *err = vr_error_last();
    VrError *copy;

    if (!err)
        return NULL;
    copy = g_new0(VrError, 1);
    copy->code = err->code;
    copy->domain = err->domain;
    copy->level = err->level;
    copy->message = g_strdup(err->message);
    copy->str1 = g_strdup(err->str1);
    copy->str2 = g_strdup(err->str2);
    return copy;
}

const char *
vr_error_message(void)
{
    const VrError *err = vr_error_last();

    return err ? err->message : "unknown error (no error was reported)";
}

int
vr_error_code(void)
{
    const VrError *err = vr_error_last();

    return err ? err->code : VR_ERR_OK;
}

void
vr_error_reset(void)
{
    g_private_replace(&last_error, NULL);
}

int
vr_error_check_flags(unsigned int flags, unsigned int allowed, const char *func)
{
    if (flags & ~allowed) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "unsupported flags (0x%x) in function %s",
                        flags & ~allowed, func);
        return -1;
    }
    return 0;
}
