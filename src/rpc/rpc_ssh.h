/* rpc_ssh.h: the qemu+ssh transport: the system ssh relays the RPC
 * stream to the far side's daemon socket through vireo-ssh-helper (or
 * nc -U where the helper is absent). */
#pragma once

#include <glib.h>

#include "rpc/rpc_uri.h"
#include "rpc/rpc_client.h"

typedef struct _VrRpcSsh VrRpcSsh;

/* Start ssh for @uri (an ssh URI) and wrap its stdio in a connection.
 * *ssh receives the process handle (free it after the connection).
 * Returns the connection, or NULL with an error reported (ssh could not
 * be started). */
VrRpcConn *vr_rpc_ssh_open(const VrRpcUri *uri, VrRpcSsh **ssh);

/* After the first call on the connection failed: wait briefly for ssh to
 * exit and, when its exit status or stderr says why, replace the current
 * error with a clear one (host unreachable, authentication refused, no
 * daemon on the far side, helper missing).  Reports nothing when ssh is
 * still running (the daemon's own error stands). */
void vr_rpc_ssh_explain(VrRpcSsh *ssh);

/* Stop ssh (if it still runs), reap it and free.  NULL-safe. */
void vr_rpc_ssh_free(VrRpcSsh *ssh);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcSsh, vr_rpc_ssh_free)
