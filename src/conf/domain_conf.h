/* domain_conf.h: the domain definition (libvirt's domain XML) as a pure
 * data tree, and the four separate steps that produce and consume it:
 * parse -> post-parse defaults -> validate -> format.
 *
 * CONTRACT (consumed by src/drivers/qemu and src/daemon; keep stable):
 * the top-level fields below keep these names and meanings.  Device and
 * OS detail live in domain_def.h, which this header includes.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_def.h"

/* Parse flags. */
typedef enum {
    /* Check the document against xml-schemas/domain.rng first; errors
     * name the line and the element (VR_ERR_XML_INVALID_SCHEMA). */
    VR_DOMAIN_PARSE_VALIDATE = 1 << 0,
    /* Accept status-only content (reserved for the QEMU driver's status
     * XML in later issues). */
    VR_DOMAIN_PARSE_STATUS = 1 << 1,
} VrDomainParseFlags;

/* Format flags (values match libvirt's DOMAIN_GET_XML_DESC bits). */
typedef enum {
    VR_DOMAIN_FORMAT_SECURE = 1 << 0,    /* include secrets (passwords) */
    VR_DOMAIN_FORMAT_INACTIVE = 1 << 1,  /* omit live-only data (id, aliases) */
} VrDomainFormatFlags;

/* Parse @xml into a new definition: syntax, then structure, then
 * post-parse defaults (UUID, 52:54:00 MACs, disk bus/driver, controllers),
 * then validation.  @origin names the document in messages (a file name or
 * "(domain_definition)").  Returns the owned def (vr_domain_def_free) or
 * NULL with an error reported: VR_ERR_XML_DETAIL for malformed XML
 * ("(origin):LINE: message"), VR_ERR_XML_ERROR for bad values,
 * VR_ERR_XML_INVALID_SCHEMA with VALIDATE. */
VrDomainDef *vr_domain_def_parse_string(const char *xml, const char *origin,
                                        unsigned int flags);

/* The individual steps, for tests and callers that need them apart. */
VrDomainDef *vr_domain_def_parse_only(const char *xml, const char *origin,
                                      unsigned int flags);
int vr_domain_def_post_parse(VrDomainDef *def);
int vr_domain_def_validate(const VrDomainDef *def);

/* Deterministic libvirt-style XML (2-space indent, trailing newline).
 * @id is the running domain's id, or -1 (then no id attribute).
 * Returns an owned string; never fails for a validated def. */
char *vr_domain_def_format(const VrDomainDef *def, int id, unsigned int flags);

/* Deep copy (definitions are copied, never shared). */
VrDomainDef *vr_domain_def_copy(const VrDomainDef *def);

void vr_domain_def_free(VrDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrDomainDef, vr_domain_def_free)

/* Is @name acceptable as a domain name?  Rejects empty names, '/', names
 * starting with '.', control characters, and names longer than 255 bytes,
 * so a name can never escape <config>/qemu/.  Returns true, or false with
 * VR_ERR_XML_ERROR reported (the message says why). */
bool vr_domain_name_check(const char *name);

/* Validate @xml_path-free document text against the RelaxNG schema
 * @schema_name ("domain") found in the schema directory (see
 * vr_schema_dir()).  Returns 0 or -1 with VR_ERR_XML_INVALID_SCHEMA. */
int vr_xml_validate_schema(const char *xml, const char *origin,
                           const char *schema_name);

/* Directory holding our RelaxNG schemas: $VIREO_SCHEMA_DIR when set (tests,
 * uninstalled runs), else PKGDATADIR/schemas.  Never NULL. */
const char *vr_schema_dir(void);
