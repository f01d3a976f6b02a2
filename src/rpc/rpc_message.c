/* rpc_message.c: framing and XDR codecs for one protocol frame: the
 * length word, the 24-byte header, XDR payloads and error replies. */
#include <config.h>

#include <string.h>

#include "rpc/rpc_message.h"
#include "util/vr_error.h"

#define VR_RPC_INITIAL_BUF 65536
#define VR_RPC_FRAME_MAX ((size_t) VR_MESSAGE_MAX + VR_RPC_LEN_WORD)

VrRpcMessage *
vr_rpc_message_new(void)
{
    return g_new0(VrRpcMessage, 1);
}

void
vr_rpc_message_free(VrRpcMessage *msg)
{
    if (!msg)
        return;
    if (msg->on_free)
        msg->on_free(msg, msg->on_free_data);
    g_free(msg->buf);
    g_free(msg);
}

static void
message_reserve(VrRpcMessage *msg, size_t size)
{
    if (msg->alloc >= size)
        return;
    msg->buf = g_realloc(msg->buf, size);
    msg->alloc = size;
}

VrRpcMessage *
vr_rpc_message_new_reader(void)
{
    VrRpcMessage *msg = vr_rpc_message_new();

    message_reserve(msg, VR_RPC_LEN_WORD);
    msg->len = VR_RPC_LEN_WORD;
    return msg;
}

static guint32
get_be32(const guint8 *p)
{
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
           ((guint32) p[2] << 8) | (guint32) p[3];
}

static void
put_be32(guint8 *p, guint32 v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

int
vr_rpc_check_length(guint32 length, size_t max_message)
{
    if (max_message == 0 || max_message > VR_MESSAGE_MAX)
        max_message = VR_MESSAGE_MAX;
    if (length < VR_RPC_HEADER_END) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "packet %u bytes received is too small", length);
        return -1;
    }
    if ((size_t) length - VR_RPC_LEN_WORD > max_message) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "packet %u bytes received exceeds maximum %zu",
                        length, max_message);
        return -1;
    }
    return 0;
}

int
vr_rpc_message_set_length(VrRpcMessage *msg, size_t max_message)
{
    guint32 length;

    if (msg->alloc < VR_RPC_LEN_WORD) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "no length word to check");
        return -1;
    }
    length = get_be32(msg->buf);
    if (vr_rpc_check_length(length, max_message) < 0)
        return -1;
    message_reserve(msg, length);
    msg->len = length;
    return 0;
}

int
vr_rpc_message_decode_header(VrRpcMessage *msg)
{
    XDR xdr;
    int ret = 0;

    if (msg->len < VR_RPC_HEADER_END || msg->alloc < msg->len ||
        get_be32(msg->buf) != msg->len) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message header: frame of %zu bytes "
                        "is truncated", msg->len);
        return -1;
    }
    xdrmem_create(&xdr, (char *) msg->buf + VR_RPC_LEN_WORD,
                  VR_MESSAGE_HEADER_LEN, XDR_DECODE);
    if (!xdr_vr_msg_header(&xdr, &msg->header)) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message header");
        ret = -1;
    }
    xdr_destroy(&xdr);
    return ret;
}

VrRpcMessage *
vr_rpc_message_new_from_bytes(const void *data, size_t len,
                              size_t max_message)
{
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new_reader();

    if (len < VR_RPC_LEN_WORD) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message header: only %zu bytes",
                        len);
        return NULL;
    }
    memcpy(msg->buf, data, VR_RPC_LEN_WORD);
    if (vr_rpc_message_set_length(msg, max_message) < 0)
        return NULL;
    if (len != msg->len) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message header: %zu bytes for a "
                        "frame of %zu", len, msg->len);
        return NULL;
    }
    memcpy(msg->buf, data, len);
    if (vr_rpc_message_decode_header(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

/* Encode header + payload into a buffer of @size bytes.  Returns the frame
 * length, or 0 when it did not fit or the filter failed. */
static size_t
encode_into(VrRpcMessage *msg, size_t size, const vr_msg_header *hdr,
            xdrproc_t filter, void *data)
{
    XDR xdr;
    size_t len = 0;

    message_reserve(msg, size);
    xdrmem_create(&xdr, (char *) msg->buf + VR_RPC_LEN_WORD,
                  size - VR_RPC_LEN_WORD, XDR_ENCODE);
    if (xdr_vr_msg_header(&xdr, (vr_msg_header *) hdr) &&
        (!filter || filter(&xdr, data, 0)))
        len = VR_RPC_LEN_WORD + xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    return len;
}

int
vr_rpc_message_encode(VrRpcMessage *msg, const vr_msg_header *hdr,
                      xdrproc_t filter, void *data)
{
    size_t size = MAX(msg->alloc, VR_RPC_INITIAL_BUF);
    size_t len;

    size = MIN(size, VR_RPC_FRAME_MAX);
    while ((len = encode_into(msg, size, hdr, filter, data)) == 0) {
        if (size >= VR_RPC_FRAME_MAX) {
            vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                            "Unable to encode message payload");
            return -1;
        }
        size = MIN(size * 4, VR_RPC_FRAME_MAX);
    }
    put_be32(msg->buf, len);
    msg->len = len;
    msg->offset = 0;
    msg->header = *hdr;
    return 0;
}

int
vr_rpc_message_encode_raw(VrRpcMessage *msg, const vr_msg_header *hdr,
                          const void *data, size_t len)
{
    size_t total;

    if (len > VR_MESSAGE_PAYLOAD_MAX) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "stream data of %zu bytes exceeds maximum %d",
                        len, VR_MESSAGE_PAYLOAD_MAX);
        return -1;
    }
    if (vr_rpc_message_encode(msg, hdr, NULL, NULL) < 0)
        return -1;
    total = VR_RPC_HEADER_END + len;
    message_reserve(msg, total);
    if (len)
        memcpy(msg->buf + VR_RPC_HEADER_END, data, len);
    put_be32(msg->buf, total);
    msg->len = total;
    return 0;
}

VrRpcMessage *
vr_rpc_message_new_raw(size_t len, guint8 **data)
{
    VrRpcMessage *msg = vr_rpc_message_new();

    message_reserve(msg, VR_RPC_HEADER_END + len);
    *data = msg->buf + VR_RPC_HEADER_END;
    return msg;
}

int
vr_rpc_message_encode_raw_inplace(VrRpcMessage *msg, const vr_msg_header *hdr,
                                  size_t len)
{
    size_t total = VR_RPC_HEADER_END + len;

    if (len > VR_MESSAGE_PAYLOAD_MAX || total > msg->alloc) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "stream data of %zu bytes exceeds its buffer", len);
        return -1;
    }
    /* the header only: the payload after it stays as it is */
    if (vr_rpc_message_encode(msg, hdr, NULL, NULL) < 0)
        return -1;
    put_be32(msg->buf, total);
    msg->len = total;
    return 0;
}

int
vr_rpc_message_encode_error(VrRpcMessage *msg, const vr_msg_header *hdr)
{
    const VrError *err = vr_error_last();
    vr_msg_header ehdr = *hdr;
    vr_error_msg rerr = { 0 };
    char *message = NULL;
    char *str1 = NULL;
    char *str2 = NULL;

    ehdr.status = VR_STATUS_ERROR;
    if (err) {
        rerr.code = err->code;
        rerr.domain = err->domain;
        rerr.level = err->level;
        message = err->message;
        str1 = err->str1;
        str2 = err->str2;
    } else {
        rerr.code = VR_ERR_INTERNAL_ERROR;
        rerr.domain = VR_FROM_RPC;
        rerr.level = VR_ERR_LEVEL_ERROR;
        message = (char *) "internal error: the call failed without an error";
    }
    rerr.message = message ? &message : NULL;
    rerr.str1 = str1 ? &str1 : NULL;
    rerr.str2 = str2 ? &str2 : NULL;
    rerr.int1 = -1;
    rerr.int2 = -1;
    return vr_rpc_message_encode(msg, &ehdr, (xdrproc_t) xdr_vr_error_msg,
                                 &rerr);
}

int
vr_rpc_message_decode_payload(VrRpcMessage *msg, xdrproc_t filter,
                              void *data)
{
    XDR xdr;
    bool ok;

    if (!filter)
        return 0;
    if (msg->len < VR_RPC_HEADER_END) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message payload");
        return -1;
    }
    xdrmem_create(&xdr, (char *) msg->buf + VR_RPC_HEADER_END,
                  msg->len - VR_RPC_HEADER_END, XDR_DECODE);
    ok = filter(&xdr, data, 0);
    xdr_destroy(&xdr);
    if (!ok) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode message payload");
        return -1;
    }
    return 0;
}

const guint8 *
vr_rpc_message_payload(const VrRpcMessage *msg, size_t *len)
{
    if (msg->len <= VR_RPC_HEADER_END) {
        *len = 0;
        return NULL;
    }
    *len = msg->len - VR_RPC_HEADER_END;
    return msg->buf + VR_RPC_HEADER_END;
}

int
vr_rpc_error_rewrite_code(int code, int domain, int level,
                          const char *message)
{
    if ((domain == VR_FROM_RPC || domain == VR_FROM_REMOTE) &&
        code == VR_ERR_RPC && level == VR_ERR_LEVEL_ERROR && message &&
        g_str_has_prefix(message, "unknown procedure"))
        return VR_ERR_NO_SUPPORT;
    /* Historic renumbering (FACTS 4.2): 33 = NWFILTER, 10 = QEMU, 1 = XEN. */
    if (code >= 61 && code <= 63 && domain != 33)
        return code + 4;
    if (code == 64 && domain == VR_FROM_QEMU)
        return 68;
    if (code == 65 && domain == 1)
        return 69;
    return code;
}

int
vr_rpc_message_decode_error(VrRpcMessage *msg)
{
    vr_error_msg rerr = { 0 };
    const char *message;
    int code;

    if (vr_rpc_message_decode_payload(msg, (xdrproc_t) xdr_vr_error_msg,
                                      &rerr) < 0) {
        xdr_free((xdrproc_t) xdr_vr_error_msg, (char *) &rerr);
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unable to decode the error reply");
        return -1;
    }
    message = rerr.message ? *rerr.message : NULL;
    code = vr_rpc_error_rewrite_code(rerr.code, rerr.domain, rerr.level,
                                     message);
    vr_error_set_raw(code, rerr.domain, rerr.level,
                     message ? message : "unknown error",
                     rerr.str1 ? *rerr.str1 : NULL,
                     rerr.str2 ? *rerr.str2 : NULL);
    xdr_free((xdrproc_t) xdr_vr_error_msg, (char *) &rerr);
    return -1;
}
