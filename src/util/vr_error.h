/* vr_error.h: the thread-local "last error" every layer reports into.
 *
 * A failure is reported once, where it is found (vr_error_report), and the
 * caller returns -1 or NULL.  Codes and domains use libvirt's numbering
 * (shared/protocol/FACTS.md, appendix B) so stock clients print the right
 * text; the message is built as libvirt builds it: a generic prefix chosen
 * by the code ("Domain not found: %s") around the specific detail.
 */
#pragma once

#include <glib.h>
#include <stdarg.h>

typedef enum {
    VR_ERR_OK = 0,
    VR_ERR_INTERNAL_ERROR = 1,
    VR_ERR_NO_MEMORY = 2,
    VR_ERR_NO_SUPPORT = 3,
    VR_ERR_NO_CONNECT = 5,
    VR_ERR_INVALID_CONN = 6,
    VR_ERR_INVALID_DOMAIN = 7,
    VR_ERR_INVALID_ARG = 8,
    VR_ERR_OPERATION_FAILED = 9,
    VR_ERR_OS_TYPE = 16,
    VR_ERR_NO_NAME = 21,
    VR_ERR_XML_ERROR = 27,
    VR_ERR_DOM_EXIST = 28,
    VR_ERR_OPERATION_DENIED = 29,
    VR_ERR_OPEN_FAILED = 30,
    VR_ERR_READ_FAILED = 31,
    VR_ERR_PARSE_FAILED = 32,
    VR_ERR_CONF_SYNTAX = 33,
    VR_ERR_WRITE_FAILED = 34,
    VR_ERR_XML_DETAIL = 35,
    VR_ERR_SYSTEM_ERROR = 38,
    VR_ERR_RPC = 39,
    VR_ERR_INVALID_NETWORK = 36,
    VR_ERR_NETWORK_EXIST = 37,
    VR_ERR_NO_DOMAIN = 42,
    VR_ERR_NO_NETWORK = 43,
    VR_ERR_INVALID_MAC = 44,
    VR_ERR_AUTH_FAILED = 45,
    VR_ERR_INVALID_STORAGE_POOL = 46,
    VR_ERR_INVALID_STORAGE_VOL = 47,
    VR_ERR_NO_STORAGE_POOL = 49,
    VR_ERR_NO_STORAGE_VOL = 50,
    VR_ERR_OPERATION_INVALID = 55,
    VR_ERR_CONFIG_UNSUPPORTED = 67,
    VR_ERR_OPERATION_TIMEOUT = 68,
    VR_ERR_NO_DOMAIN_SNAPSHOT = 72,
    VR_ERR_ARGUMENT_UNSUPPORTED = 74,
    VR_ERR_OPERATION_ABORTED = 78,
    VR_ERR_STORAGE_POOL_BUILT = 76,
    VR_ERR_OPERATION_UNSUPPORTED = 84,
    VR_ERR_RESOURCE_BUSY = 87,
    VR_ERR_ACCESS_DENIED = 88,
    VR_ERR_STORAGE_VOL_EXIST = 90,
    VR_ERR_XML_INVALID_SCHEMA = 92,
    VR_ERR_MULTIPLE_DOMAINS = 110,
} VrErrorCode;

typedef enum {
    VR_FROM_NONE = 0,
    VR_FROM_XML = 5,
    VR_FROM_RPC = 7,
    VR_FROM_CONF = 9,
    VR_FROM_QEMU = 10,
    VR_FROM_REMOTE = 13,
    VR_FROM_STORAGE = 18,
    VR_FROM_NETWORK = 19,
    VR_FROM_DOMAIN = 20,
    VR_FROM_DOMAIN_SNAPSHOT = 35,
    VR_FROM_CAPABILITIES = 44,
    VR_FROM_URI = 45,
    VR_FROM_AUTH = 46,
    VR_FROM_ACCESS = 55,
} VrErrorDomain;

enum { VR_ERR_LEVEL_WARNING = 1, VR_ERR_LEVEL_ERROR = 2 };

typedef struct _VrError {
    int code;        /* VrErrorCode */
    int domain;      /* VrErrorDomain */
    int level;       /* VR_ERR_LEVEL_* */
    char *message;   /* full text shown to users */
    char *str1;      /* generic prefix format, e.g. "Domain not found: %s" */
    char *str2;      /* the specific detail */
} VrError;

/* Record an error for this thread, replacing any previous one.
 * @fmt builds the specific detail; the generic prefix comes from @code. */
void vr_error_report(int code, int domain, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vr_error_reportv(int code, int domain, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);

/* Like vr_error_report with code VR_ERR_SYSTEM_ERROR, appending
 * ": strerror(@errnum)" to the detail. */
void vr_error_report_system(int errnum, int domain, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Record an error whose text is already complete (e.g. received from a
 * peer); str1/str2 may be NULL. */
void vr_error_set_raw(int code, int domain, int level, const char *message,
                      const char *str1, const char *str2);

/* Prefix the current error's message with "CONTEXT: " (no-op without one). */
void vr_error_prefix(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The current thread's last error, or NULL.  Owned by the thread-local
 * slot: valid until the next report or reset on this thread. */
const VrError *vr_error_last(void);

/* A copy of the last error (caller frees with vr_error_free), or NULL. */
VrError *vr_error_copy_last(void);

/* The last error's message, or a generic text when there is none.
 * Never NULL; valid until the next report on this thread. */
const char *vr_error_message(void);

/* The last error's code, or VR_ERR_OK. */
int vr_error_code(void);

void vr_error_reset(void);
void vr_error_free(VrError *err);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrError, vr_error_free)

/* The generic prefix format for @code ("Domain not found: %s"); never NULL. */
const char *vr_error_code_prefix(int code);

/* Report OOM-free shorthand used for "unsupported flags (0x%x)". Returns -1. */
int vr_error_check_flags(unsigned int flags, unsigned int allowed,
                         const char *func);
#define VR_CHECK_FLAGS(flags, allowed) \
    vr_error_check_flags((flags), (allowed), __func__)
