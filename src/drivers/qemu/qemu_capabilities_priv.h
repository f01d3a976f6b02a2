/* qemu_capabilities_priv.h: the inside of QemuCaps, shared by the data
 * half (qemu_capabilities.c: accessors, JSON, domcapabilities) and the
 * probe half (qemu_capabilities_probe.c: QMP probe and cache).  Not for
 * other files: they use the accessors of qemu_capabilities.h.
 */
#pragma once

#include "drivers/qemu/qemu_capabilities.h"

struct _QemuCaps {
    gint refs;
    char *binary;
    gint64 mtime;                 /* of @binary when probed (seconds) */
    gint64 ctime;
    char *vireo_version;          /* PACKAGE_VERSION that probed it */
    unsigned long long version;
    char *package;                /* QEMU's package string; may be "" */
    char *arch;
    bool kvm;                     /* query-kvm "present" */
    GPtrArray *machines;          /* QemuCapsMachine *, probe order */
    GPtrArray *cpu_models;        /* char *, sorted */
    GPtrArray *devices;           /* char *, sorted */
    GPtrArray *commands;          /* char *, sorted */
    GHashTable *device_set;       /* views into @devices */
    GHashTable *command_set;      /* views into @commands */
};

/* An empty caps object (refcount 1) with empty arrays. */
QemuCaps *qemu_caps_new_empty(void);

/* Sort the name lists and (re)build the lookup sets; call once the
 * lists are filled. */
void qemu_caps_finish(QemuCaps *caps);

void qemu_caps_machine_free(QemuCapsMachine *m);

/* Test hook: how many probes this process has spawned. */
unsigned int qemu_caps_probe_count(void);
