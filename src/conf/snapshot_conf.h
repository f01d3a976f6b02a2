/* snapshot_conf.h: libvirt's <domainsnapshot> XML as a pure data tree -
 * parse, align with the domain's disks, validate, format.
 *
 * A snapshot records its name, description, the domain's state and the
 * time when it was taken, where the memory state went (internal, or none
 * for disk-only snapshots), one entry per disk (internal qcow2 snapshot,
 * external overlay file, or none), its parent's name and a copy of the
 * domain definition of that time.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_conf.h"

/* Where a disk's or the memory's snapshot lives. */
typedef enum {
    VR_SNAPSHOT_LOCATION_DEFAULT = 0,   /* not given (aligned later) */
    VR_SNAPSHOT_LOCATION_NO,
    VR_SNAPSHOT_LOCATION_INTERNAL,
    VR_SNAPSHOT_LOCATION_EXTERNAL,
    VR_SNAPSHOT_LOCATION_LAST
} VrSnapshotLocation;

/* The <state> of a snapshot: libvirt's domain states, plus
 * disk-snapshot for disk-only snapshots. */
typedef enum {
    VR_SNAPSHOT_STATE_NOSTATE = 0,
    VR_SNAPSHOT_STATE_RUNNING,
    VR_SNAPSHOT_STATE_BLOCKED,
    VR_SNAPSHOT_STATE_PAUSED,
    VR_SNAPSHOT_STATE_SHUTDOWN,
    VR_SNAPSHOT_STATE_SHUTOFF,
    VR_SNAPSHOT_STATE_CRASHED,
    VR_SNAPSHOT_STATE_PMSUSPENDED,
    VR_SNAPSHOT_STATE_DISK_SNAPSHOT,
    VR_SNAPSHOT_STATE_LAST
} VrSnapshotState;

typedef struct {
    char *name;                  /* the disk's target ("vda") */
    VrSnapshotLocation snapshot;
    char *src_file;              /* external: the overlay file */
    char *driver_type;           /* external: its format ("qcow2") */
} VrSnapshotDiskDef;

typedef struct {
    char *name;
    char *description;           /* NULL when none */
    char *parent;                /* parent snapshot's name, or NULL */
    VrSnapshotState state;
    long long creation_time;     /* seconds since the epoch */
    VrSnapshotLocation memory;
    char *memory_file;           /* external memory (not supported yet) */
    GPtrArray *disks;            /* VrSnapshotDiskDef *, owned */
    VrDomainDef *dom;            /* the domain at the time, or NULL */
} VrSnapshotDef;

typedef enum {
    /* Check the document against xml-schemas/domainsnapshot.rng. */
    VR_SNAPSHOT_PARSE_VALIDATE = 1 << 0,
    /* Full metadata (state, creationTime, parent, domain) as stored by
     * the driver or given to a redefinition; otherwise those are
     * ignored as libvirt does for a new snapshot. */
    VR_SNAPSHOT_PARSE_REDEFINE = 1 << 1,
} VrSnapshotParseFlags;

/* Parse @xml.  Returns the owned def or NULL with an error reported
 * (VR_ERR_XML_DETAIL for malformed XML, VR_ERR_XML_ERROR for bad values,
 * VR_ERR_XML_INVALID_SCHEMA with VALIDATE; domain VR_FROM_DOMAIN_SNAPSHOT).
 * The result is validated (vr_snapshot_def_validate). */
VrSnapshotDef *vr_snapshot_def_parse_string(const char *xml,
                                            unsigned int flags);

/* Structural checks: a usable name, no disk named twice, external
 * entries with a file, memory location consistent with the state.
 * Returns 0 or -1 with VR_ERR_XML_ERROR / VR_ERR_CONFIG_UNSUPPORTED. */
int vr_snapshot_def_validate(const VrSnapshotDef *def);

/* Give @def one entry per disk of @dom (cdroms and read-only disks get
 * snapshot='no'), in @dom's order: disks not listed get @default_loc
 * (internal, or external with a file next to the source named after the
 * snapshot, "disk1.qcow2" -> "disk1.SNAP").  A listed name that is not a
 * disk of @dom is VR_ERR_CONFIG_UNSUPPORTED.  Returns 0 or -1 reported. */
int vr_snapshot_def_align(VrSnapshotDef *def, const VrDomainDef *dom,
                          VrSnapshotLocation default_loc);

/* libvirt's format (2-space indent, trailing newline), the domain
 * definition embedded when present.  Owned string; never fails. */
char *vr_snapshot_def_format(const VrSnapshotDef *def);

VrSnapshotDef *vr_snapshot_def_new(void);
VrSnapshotDef *vr_snapshot_def_copy(const VrSnapshotDef *def);
void vr_snapshot_def_free(VrSnapshotDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrSnapshotDef, vr_snapshot_def_free)

/* The disk entry named @name, or NULL (not reported). */
VrSnapshotDiskDef *vr_snapshot_def_find_disk(const VrSnapshotDef *def,
                                             const char *name);

/* Enum <-> string ("internal", "running"); NULL / -1 when unknown. */
const char *vr_snapshot_location_to_string(int loc);
int vr_snapshot_location_from_string(const char *str);
const char *vr_snapshot_state_to_string(int state);
int vr_snapshot_state_from_string(const char *str);
