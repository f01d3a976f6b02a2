/* lib_save.c: save, restore, managed save and save images (FACTS.md
 * section 8 "Save, restore, managed save").  Flag-less calls use the old
 * procedures (55 SAVE, 54 RESTORE) as virsh does. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

#define SAVE_FLAGS (VIREO_SAVE_BYPASS_CACHE | VIREO_SAVE_RUNNING | \
                    VIREO_SAVE_PAUSED)

int
vireo_domain_save(VireoDomain *dom, const char *to, const char *dxml,
                  unsigned int flags)
{
    char *x = (char *) dxml;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(to, -1);
    if (VR_CHECK_FLAGS(flags, SAVE_FLAGS) < 0)
        return -1;
    if (!flags && !dxml) {
        vr_domain_save_args args = { .to = (char *) to };

        vr_lib_domain_to_wire(dom, &args.dom);
        return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SAVE,
                           (xdrproc_t) xdr_vr_domain_save_args, &args,
                           NULL, NULL);
    }
    vr_domain_save_flags_args fargs = {
        .to = (char *) to, .dxml = x ? &x : NULL, .flags = flags,
    };

    vr_lib_domain_to_wire(dom, &fargs.dom);
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SAVE_FLAGS,
                       (xdrproc_t) xdr_vr_domain_save_flags_args, &fargs,
                       NULL, NULL);
}

int
vireo_domain_restore(VireoConn *conn, const char *from, const char *dxml,
                     unsigned int flags)
{
    char *x = (char *) dxml;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(from, -1);
    if (VR_CHECK_FLAGS(flags, SAVE_FLAGS) < 0)
        return -1;
    if (!flags && !dxml) {
        vr_domain_restore_args args = { .from = (char *) from };

        return vr_lib_call(conn, VR_PROC_DOMAIN_RESTORE,
                           (xdrproc_t) xdr_vr_domain_restore_args, &args,
                           NULL, NULL);
    }
    vr_domain_restore_flags_args fargs = {
        .from = (char *) from, .dxml = x ? &x : NULL, .flags = flags,
    };

    return vr_lib_call(conn, VR_PROC_DOMAIN_RESTORE_FLAGS,
                       (xdrproc_t) xdr_vr_domain_restore_flags_args, &fargs,
                       NULL, NULL);
}

char *
vireo_domain_save_image_get_xml(VireoConn *conn, const char *file,
                                unsigned int flags)
{
    vr_domain_save_image_get_xml_desc_args args = {
        .file = (char *) file, .flags = flags,
    };
    vr_domain_save_image_get_xml_desc_ret ret;
    char *xml;

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(file, NULL);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_DOMAIN_SAVE_IMAGE_GET_XML_DESC,
                    (xdrproc_t) xdr_vr_domain_save_image_get_xml_desc_args,
                    &args,
                    (xdrproc_t) xdr_vr_domain_save_image_get_xml_desc_ret,
                    &ret) < 0)
        return NULL;
    xml = g_strdup(ret.xml);
    xdr_free((xdrproc_t) xdr_vr_domain_save_image_get_xml_desc_ret,
             (char *) &ret);
    return xml;
}

int
vireo_domain_save_image_define(VireoConn *conn, const char *file,
                               const char *dxml, unsigned int flags)
{
    vr_domain_save_image_define_xml_args args = {
        .file = (char *) file, .dxml = (char *) dxml, .flags = flags,
    };

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(file, -1);
    VR_LIB_CHECK_ARG(dxml, -1);
    return vr_lib_call(conn, VR_PROC_DOMAIN_SAVE_IMAGE_DEFINE_XML,
                       (xdrproc_t) xdr_vr_domain_save_image_define_xml_args,
                       &args, NULL, NULL);
}

static int
flags_call(VireoDomain *dom, int proc, unsigned int flags)
{
    vr_domain_flags_args args = { .flags = flags };

    vr_lib_domain_to_wire(dom, &args.dom);
    return vr_lib_call(dom->conn, proc, (xdrproc_t) xdr_vr_domain_flags_args,
                       &args, NULL, NULL);
}

int
vireo_domain_managed_save(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, SAVE_FLAGS) < 0)
        return -1;
    return flags_call(dom, VR_PROC_DOMAIN_MANAGED_SAVE, flags);
}

int
vireo_domain_managed_save_remove(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    return flags_call(dom, VR_PROC_DOMAIN_MANAGED_SAVE_REMOVE, flags);
}

int
vireo_domain_get_job_info(VireoDomain *dom, VireoJobInfo *info)
{
    vr_domain_args args;
    vr_domain_get_job_info_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(info, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_JOB_INFO,
                    (xdrproc_t) xdr_vr_domain_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_job_info_ret, &ret) < 0)
        return -1;
    info->type = ret.type;
    info->time_elapsed = ret.time_elapsed;
    info->data_total = ret.data_total;
    info->data_processed = ret.data_processed;
    info->data_remaining = ret.data_remaining;
    return 0;
}

int
vireo_domain_abort_job(VireoDomain *dom)
{
    vr_domain_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_ABORT_JOB,
                       (xdrproc_t) xdr_vr_domain_args, &args, NULL, NULL);
}
