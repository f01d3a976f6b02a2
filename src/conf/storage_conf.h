/* storage_conf.h: libvirt's storage pool and storage volume XML as pure
 * data trees, with the same separate steps as domains and networks:
 * parse -> post-parse defaults -> validate -> format.  Validated against
 * xml-schemas/storagepool.rng / storagevol.rng with the VALIDATE flags.
 *
 * Supported pool types: dir, fs, logical, netfs.  Volumes: file (raw,
 * qcow2, ...) and block (logical volumes).  Sizes are bytes everywhere.
 *
 * CONTRACT (consumed by src/storage and src/daemon; keep stable; extend).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* ---- enums (each with a _LAST sentinel and to/from string) ---- */

typedef enum {
    VR_STORAGE_POOL_DIR = 0,
    VR_STORAGE_POOL_FS,
    VR_STORAGE_POOL_NETFS,
    VR_STORAGE_POOL_LOGICAL,
    VR_STORAGE_POOL_LAST
} VrStoragePoolType;

/* <source><format type=.../> of an fs pool (libvirt's names). */
typedef enum {
    VR_STORAGE_FS_AUTO = 0,
    VR_STORAGE_FS_EXT2,
    VR_STORAGE_FS_EXT3,
    VR_STORAGE_FS_EXT4,
    VR_STORAGE_FS_UFS,
    VR_STORAGE_FS_ISO,          /* "iso9660" */
    VR_STORAGE_FS_UDF,
    VR_STORAGE_FS_GFS,
    VR_STORAGE_FS_GFS2,
    VR_STORAGE_FS_VFAT,
    VR_STORAGE_FS_HFSPLUS,      /* "hfs+" */
    VR_STORAGE_FS_XFS,
    VR_STORAGE_FS_OCFS2,
    VR_STORAGE_FS_LAST
} VrStorageFsFormat;

/* <source><format type=.../> of a netfs pool. */
typedef enum {
    VR_STORAGE_NETFS_AUTO = 0,
    VR_STORAGE_NETFS_NFS,
    VR_STORAGE_NETFS_LAST
} VrStorageNetfsFormat;

/* <source><format type=.../> of a logical pool (default lvm2). */
typedef enum {
    VR_STORAGE_LOGICAL_UNKNOWN = 0,
    VR_STORAGE_LOGICAL_LVM2,
    VR_STORAGE_LOGICAL_LAST
} VrStorageLogicalFormat;

typedef enum {
    VR_STORAGE_VOL_FILE = 0,
    VR_STORAGE_VOL_BLOCK,
    VR_STORAGE_VOL_LAST
} VrStorageVolType;

/* Volume (and backing store) image formats, qemu-img's names. */
typedef enum {
    VR_STORAGE_FORMAT_NONE = 0, /* not given / not applicable (logical) */
    VR_STORAGE_FORMAT_RAW,
    VR_STORAGE_FORMAT_QCOW2,
    VR_STORAGE_FORMAT_QCOW,
    VR_STORAGE_FORMAT_QED,
    VR_STORAGE_FORMAT_VMDK,
    VR_STORAGE_FORMAT_VDI,
    VR_STORAGE_FORMAT_VPC,
    VR_STORAGE_FORMAT_ISO,
    VR_STORAGE_FORMAT_LAST
} VrStorageFormat;

/* to_string returns a static string, NULL when out of range; from_string
 * returns the value or -1 when unknown (not reported). */
const char *vr_storage_pool_type_to_string(VrStoragePoolType t);
int vr_storage_pool_type_from_string(const char *s);
const char *vr_storage_fs_format_to_string(VrStorageFsFormat f);
int vr_storage_fs_format_from_string(const char *s);
const char *vr_storage_netfs_format_to_string(VrStorageNetfsFormat f);
int vr_storage_netfs_format_from_string(const char *s);
const char *vr_storage_logical_format_to_string(VrStorageLogicalFormat f);
int vr_storage_logical_format_from_string(const char *s);
const char *vr_storage_vol_type_to_string(VrStorageVolType t);
int vr_storage_vol_type_from_string(const char *s);
const char *vr_storage_format_to_string(VrStorageFormat f);
int vr_storage_format_from_string(const char *s);
/* Can an image of format @f have a backing file (qcow2, qcow, qed,
 * vmdk)? */
bool vr_storage_format_has_backing(VrStorageFormat f);

/* ---- shared pieces ---- */

#define VR_STORAGE_VOL_DEFAULT_MODE 0600    /* set by volume post-parse */
#define VR_STORAGE_POOL_DEFAULT_MODE 0755   /* for pool-build when unset */

/* <permissions>.  Unset values are -1 (libvirt formats only set ones). */
typedef struct {
    int mode;                   /* 0..0777, -1 = unset */
    long long owner;            /* uid, -1 = unset */
    long long group;            /* gid, -1 = unset */
    char *label;                /* security label or NULL */
} VrStoragePerms;

/* ---- pools ---- */

typedef struct {
    char *name;                 /* host name or address */
    unsigned int port;          /* 0 = unset */
} VrStoragePoolHost;

typedef struct {
    GPtrArray *hosts;           /* VrStoragePoolHost *; netfs: exactly one */
    GPtrArray *devices;         /* char * paths; fs: one; logical: the PVs */
    char *dir;                  /* netfs: exported directory, else NULL */
    char *name;                 /* logical: volume group name, else NULL */
    int format;                 /* VrStorageFsFormat (fs),
                                 * VrStorageNetfsFormat (netfs),
                                 * VrStorageLogicalFormat (logical),
                                 * unused (0) for dir */
} VrStoragePoolSource;

typedef struct _VrStoragePoolDef {
    char *name;
    unsigned char uuid[16];
    VrStoragePoolType type;
    /* Sizes in bytes, formatted as <capacity unit='bytes'>.  Parsed from
     * input (as libvirt does) but meaningful only when the driver sets
     * the live values after a refresh. */
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
    VrStoragePoolSource source;
    char *target_path;          /* sanitized (no trailing or double '/') */
    VrStoragePerms target_perms;
} VrStoragePoolDef;

typedef enum {
    VR_STORAGE_POOL_PARSE_VALIDATE = 1 << 0,   /* storagepool.rng first */
} VrStoragePoolParseFlags;

/* Parse + post-parse (uuid; logical: source name defaults to the pool
 * name and the pool name to the source name, target to /dev/VG; fs and
 * netfs format auto, logical lvm2) + validate (dir: target path; fs:
 * one source device + target; netfs: one host + source dir + target;
 * absolute paths).  @origin names the document in messages (NULL:
 * "(storage_pool_definition)").  Returns an owned def or NULL with an
 * error reported (VR_ERR_XML_DETAIL malformed, VR_ERR_NO_NAME,
 * VR_ERR_XML_ERROR bad values, VR_ERR_CONFIG_UNSUPPORTED other pool
 * types, VR_ERR_XML_INVALID_SCHEMA). */
VrStoragePoolDef *vr_storage_pool_def_parse_string(const char *xml,
                                                   const char *origin,
                                                   unsigned int flags);
/* The semantic checks run by parse, for defs built in C.  0 or -1
 * (reported). */
int vr_storage_pool_def_validate(const VrStoragePoolDef *def);
/* libvirt-style XML (2-space indent, trailing newline), element order
 * name, uuid, capacity, allocation, available, source, target.  Returns
 * an owned string, never NULL. */
char *vr_storage_pool_def_format(const VrStoragePoolDef *def,
                                 unsigned int flags);
/* Deep copy; NULL for NULL. */
VrStoragePoolDef *vr_storage_pool_def_copy(const VrStoragePoolDef *def);
void vr_storage_pool_def_free(VrStoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrStoragePoolDef, vr_storage_pool_def_free)

/* ---- volumes ---- */

typedef struct {
    guint64 start;
    guint64 end;
} VrStorageExtent;

/* <source><device path=..><extent start= end=/></device> of a volume:
 * where a logical volume lives (set by the driver, formatted back). */
typedef struct {
    char *path;
    GArray *extents;            /* VrStorageExtent */
} VrStorageVolSourceDev;

typedef struct {
    char *path;                 /* absolute */
    VrStorageFormat format;     /* NONE = not given */
    VrStoragePerms perms;
} VrStorageVolBacking;

typedef struct _VrStorageVolDef {
    char *name;
    char *key;                  /* file volumes: the path; logical: LV uuid */
    VrStorageVolType type;
    GPtrArray *source_devices;  /* VrStorageVolSourceDev * */
    unsigned long long capacity;    /* bytes */
    unsigned long long allocation;  /* bytes; defaults to capacity */
    unsigned long long physical;    /* bytes; output only (driver), 0 = none */
    char *target_path;          /* NULL until known */
    VrStorageFormat target_format;
    VrStoragePerms target_perms;
    char *compat;               /* qcow2 compat level "0.10"/"1.1", or NULL */
    bool lazy_refcounts;        /* <features><lazy_refcounts/> (qcow2) */
    VrStorageVolBacking *backing;   /* <backingStore> or NULL */
} VrStorageVolDef;

typedef enum {
    VR_STORAGE_VOL_PARSE_VALIDATE = 1 << 0,    /* storagevol.rng first */
    /* Capacity may be missing or 0 (vol-create-from / clone take it from
     * the source volume; describing existing volumes).  Without it a
     * volume needs a capacity > 0. */
    VR_STORAGE_VOL_PARSE_NO_CAPACITY = 1 << 1,
} VrStorageVolParseFlags;

/* Parse a volume for @pool (may be NULL: no pool-specific defaults).
 * Post-parse: type from the pool (logical: block, else file); target
 * format default raw for file pools, none for logical (a given format
 * other than raw is refused there); with a pool that has a target path,
 * target path = POOLTARGET/NAME and, for file pools, key = that path
 * (both override the input, as libvirt's create does); permissions mode
 * default 0600; allocation defaults to capacity; compat "1.1" when
 * lazy_refcounts is given without it.  Validate: name (see
 * vr_storage_vol_name_check), capacity > 0 unless NO_CAPACITY,
 * compat/features only for qcow2, a backing store only for formats with
 * backing files.  Returns an owned def or NULL with an error reported
 * (VR_ERR_XML_DETAIL, VR_ERR_NO_NAME, VR_ERR_XML_ERROR,
 * VR_ERR_INVALID_ARG for names, VR_ERR_XML_INVALID_SCHEMA). */
VrStorageVolDef *vr_storage_vol_def_parse_string(const char *xml,
                                                 const VrStoragePoolDef *pool,
                                                 unsigned int flags);
/* Semantic checks run by parse (flags: VR_STORAGE_VOL_PARSE_NO_CAPACITY
 * or 0).  0 or -1 (reported). */
int vr_storage_vol_def_validate(const VrStorageVolDef *def,
                                unsigned int flags);
/* Is @def's capacity usable for a new volume (> 0)?  0, or -1 with
 * VR_ERR_INVALID_ARG reported.  Separate for drivers that parsed with
 * NO_CAPACITY and filled the capacity in afterwards. */
int vr_storage_vol_def_check_capacity(const VrStorageVolDef *def);
/* libvirt-style XML in libvirt's order: name, key, source, capacity,
 * allocation, physical (when non-zero), target (path, format,
 * permissions, compat, features), backingStore.  Owned, never NULL. */
char *vr_storage_vol_def_format(const VrStorageVolDef *def,
                                unsigned int flags);
VrStorageVolDef *vr_storage_vol_def_copy(const VrStorageVolDef *def);
void vr_storage_vol_def_free(VrStorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrStorageVolDef, vr_storage_vol_def_free)

/* ---- names and sizes ---- */

/* Plain names: not empty, at most 255 bytes, no '/', not starting with
 * '.' (so neither "." nor ".."), no control characters.  Volume names
 * may contain dots elsewhere ("disk.qcow2").  Return true, or false with
 * an error reported (pools: VR_ERR_XML_ERROR, or VR_ERR_XML_DETAIL
 * "invalid char in name: /" as libvirt; volumes: VR_ERR_INVALID_ARG). */
bool vr_storage_pool_name_check(const char *name);
bool vr_storage_vol_name_check(const char *name);

/* Convert @value (decimal digits) in @unit (NULL/"" = bytes; b, byte(s);
 * k, K, KiB = 1024; KB = 1000; likewise M, G, T, P, E; case-insensitive
 * as libvirt) to bytes in *@bytes.  Returns 0, or -1 with
 * VR_ERR_INVALID_ARG reported (bad number, unknown unit, overflow);
 * *@bytes is written only on success. */
int vr_storage_parse_size(const char *value, const char *unit,
                          unsigned long long *bytes);
