/* daemon_console.h: domain consoles over RPC streams (DOMAIN_OPEN_CONSOLE):
 * the registry of open consoles, one per domain. */
#pragma once

#include "daemon/daemon_dispatch.h"

/* A new empty registry.  Never fails. */
DaemonConsoles *daemon_consoles_new(void);
/* Free the registry (after the server is gone).  NULL-safe. */
void daemon_consoles_free(DaemonConsoles *cs);
