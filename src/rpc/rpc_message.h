/* rpc_message.h: one wire frame of the libvirt protocol (length word,
 * 24-byte XDR header, payload) and its codecs.
 *
 * A frame is kept whole in one buffer exactly as it travels:
 *
 *   [0..4)   length word (big-endian, counts itself)
 *   [4..28)  vr_msg_header (XDR)
 *   [28..)   payload: XDR body, or raw bytes for stream data
 *
 * Readers fill a message in two steps (vr_rpc_message_new_reader, then
 * vr_rpc_message_set_length once the length word is in), so the length is
 * checked before anything is allocated.  Writers encode a message then
 * write buf[offset..len).  A message is owned by one thread at a time.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <rpc/rpc.h>

#include "rpc/vireo_protocol.h"

#define VR_RPC_LEN_WORD 4
#define VR_RPC_HEADER_END (VR_RPC_LEN_WORD + VR_MESSAGE_HEADER_LEN)  /* 28 */

typedef struct _VrRpcMessage {
    vr_msg_header header;
    guint8 *buf;          /* the whole frame */
    size_t len;           /* frame length (bytes valid or expected) */
    size_t alloc;         /* allocated size of buf */
    size_t offset;        /* I/O progress within buf */
    bool close_after;     /* server: close the session once written */
    /* Called by vr_rpc_message_free (written or discarded): lets a stream
     * or an event queue count what is still queued. */
    void (*on_free)(struct _VrRpcMessage *msg, void *data);
    void *on_free_data;
} VrRpcMessage;

/* A new empty message (never NULL).  Free with vr_rpc_message_free. */
VrRpcMessage *vr_rpc_message_new(void);
void vr_rpc_message_free(VrRpcMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcMessage, vr_rpc_message_free)

/* A message ready to receive a frame: len = 4 (the length word). */
VrRpcMessage *vr_rpc_message_new_reader(void);

/* Check a frame length word: it counts itself, so it must be >= 28, and
 * length - 4 must not exceed @max_message (<= VR_MESSAGE_MAX; 0 means
 * VR_MESSAGE_MAX).  Returns 0, or -1 with VR_ERR_RPC / VR_FROM_RPC
 * reported. */
int vr_rpc_check_length(guint32 length, size_t max_message);

/* Once buf[0..4) holds the length word: check it (as above) and only then
 * grow the buffer to the whole frame; len becomes the frame length.
 * Returns 0, or -1 with an error reported (the peer must be dropped). */
int vr_rpc_message_set_length(VrRpcMessage *msg, size_t max_message);

/* Decode the header of a complete frame (buf[0..len)) into msg->header.
 * Returns 0, or -1 with VR_ERR_RPC reported (truncated or inconsistent
 * length word). */
int vr_rpc_message_decode_header(VrRpcMessage *msg);

/* Build a complete frame from a copy of raw bytes (tests, replays):
 * checks the length word and decodes the header.  Returns a new message or
 * NULL with an error reported. */
VrRpcMessage *vr_rpc_message_new_from_bytes(const void *data, size_t len,
                                            size_t max_message);

/* Encode @hdr and the payload (@filter over @data; @filter NULL = empty
 * payload) into msg, replacing its contents; offset is reset to 0.
 * Returns 0, or -1 with VR_ERR_RPC reported ("Unable to encode message
 * payload", or too large for VR_MESSAGE_MAX). */
int vr_rpc_message_encode(VrRpcMessage *msg, const vr_msg_header *hdr,
                          xdrproc_t filter, void *data);

/* Encode @hdr followed by @len raw bytes (stream data).  Returns 0, or -1
 * with an error reported (too large). */
int vr_rpc_message_encode_raw(VrRpcMessage *msg, const vr_msg_header *hdr,
                              const void *data, size_t len);

/* Zero-copy raw frames: a new message with room for @len payload bytes
 * at *data (never NULL; @len <= VR_MESSAGE_PAYLOAD_MAX), filled by the
 * caller, then encoded with vr_rpc_message_encode_raw_inplace, which
 * writes @hdr in front of the first @len (<= the room) payload bytes.
 * Returns 0, or -1 with an error reported (too large). */
VrRpcMessage *vr_rpc_message_new_raw(size_t len, guint8 **data);
int vr_rpc_message_encode_raw_inplace(VrRpcMessage *msg,
                                      const vr_msg_header *hdr, size_t len);

/* Encode an error reply from this thread's last error (or a generic
 * internal error when none is set): @hdr with status forced to ERROR and
 * the payload the vr_error_msg struct (int1/int2 = -1, dom/net/str3
 * absent).  Returns 0 or -1 (reported). */
int vr_rpc_message_encode_error(VrRpcMessage *msg, const vr_msg_header *hdr);

/* Decode the payload of a complete frame with @filter into @data (zeroed
 * by the caller; free with xdr_free(filter, data) even on failure).  A
 * NULL @filter accepts any payload.  Trailing bytes are ignored, as
 * libvirtd does.  Returns 0, or -1 with code 39 / domain 7 "Unable to
 * decode message payload" reported. */
int vr_rpc_message_decode_payload(VrRpcMessage *msg, xdrproc_t filter,
                                  void *data);

/* The payload bytes (raw view, e.g. stream data) and their count. */
const guint8 *vr_rpc_message_payload(const VrRpcMessage *msg, size_t *len);

/* Decode an error reply's payload into this thread's error
 * (vr_error_set_raw), rewriting codes as libvirt's client does: domain
 * RPC/REMOTE + code RPC + level ERROR + "unknown procedure..." becomes
 * VR_ERR_NO_SUPPORT; the historic 61-65 renumbering (FACTS 4.2).  Always
 * leaves an error set and returns -1, so callers can `return` it. */
int vr_rpc_message_decode_error(VrRpcMessage *msg);

/* Apply libvirt's client-side code rewriting to a received error.
 * Returns the code to report. */
int vr_rpc_error_rewrite_code(int code, int domain, int level,
                              const char *message);
