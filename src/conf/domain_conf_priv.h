/* domain_conf_priv.h: helpers shared by the domain_*.c files of src/conf
 * (not for other layers: use domain_conf.h). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "conf/domain_conf.h"
#include "conf/domain_enums.h"

/* A new empty definition with all device arrays allocated.  Never NULL. */
VrDomainDef *vr_domain_def_new(void);

void vr_domain_disk_def_free(VrDomainDiskDef *disk);
void vr_domain_controller_def_free(VrDomainControllerDef *ctrl);
void vr_domain_net_def_free(VrDomainNetDef *net);
void vr_domain_chr_def_free(VrDomainChrDef *chr);
void vr_domain_graphics_def_free(VrDomainGraphicsDef *gfx);
void vr_domain_rng_def_free(VrDomainRngDef *rng);

/* Parse <devices> children into @def.  Returns 0 or -1 (reported). */
int vr_domain_parse_devices(VrDomainDef *def, xmlNode *devices);

/* Parse an <address> child of @node into @addr (left NONE when absent).
 * Returns 0 or -1 (reported). */
int vr_domain_parse_address(xmlNode *node, VrDomainAddress *addr);

/* Append the <devices> element of @def at @level. */
void vr_domain_format_devices(GString *buf, const VrDomainDef *def,
                              int level, unsigned int flags);

/* Parse a MAC "aa:bb:cc:dd:ee:ff" into @mac.  Returns 0 or -1 (not
 * reported). */
int vr_mac_parse(const char *str, unsigned char mac[6]);
