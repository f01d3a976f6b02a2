/* lib_session.h: starting the user's session daemon on demand
 * (qemu:///session when no daemon answers, as libvirt's client does). */
#pragma once

#include "rpc/rpc_uri.h"

/* Make sure a daemon answers on @uri->socket: if nothing listens there
 * and @uri is a session URI without ?socket=, start
 * `vireod --session --daemon --timeout=N` ($VIREO_DAEMON_PATH, else
 * SBINDIR/vireod; N from $VIREO_SESSION_TIMEOUT, default 120) under a lock
 * in $XDG_RUNTIME_DIR/vireo so concurrent clients start only one, and
 * wait up to 5 s for the socket.  $VIREO_AUTOSTART=0 disables this.
 * Returns 0 (a daemon listens, or autostart does not apply: the connect
 * that follows reports the failure), or -1 with an error reported (the
 * daemon could not be started). */
int vr_lib_session_ensure(const VrRpcUri *uri);
