/* vr_tap.c: tap devices for guest NICs, made through /dev/net/tun.
 *
 * The tap is not persistent: it lives as long as an fd from TUNSETIFF is
 * open (vireod's copy and the one passed to QEMU), so it vanishes by
 * itself when QEMU exits or crashes and vireod has closed its copy.
 * Declared in vr_netlink.h beside the rest of the host network calls.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"
#include "util/vr_netlink.h"

int
vr_tap_create(const char *name_template, const char *mac, int *fd,
              char **ifname)
{
    VR_AUTOCLOSE int tapfd = -1;
    struct ifreq ifr;

    if (!name_template || !*name_template ||
        strlen(name_template) >= IFNAMSIZ) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "cannot create tap '%s': invalid interface name "
                        "(1 to %d characters)",
                        name_template ? name_template : "", IFNAMSIZ - 1);
        return -1;
    }
    if ((tapfd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot create tap '%s': cannot open "
                               "/dev/net/tun", name_template);
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    /* IFF_TUN_EXCL: a fixed name that exists is an error, never a
     * silent attach to someone else's tap. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL;
    g_strlcpy(ifr.ifr_name, name_template, sizeof(ifr.ifr_name));
    if (ioctl(tapfd, TUNSETIFF, &ifr) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot create tap '%s'", name_template);
        return -1;
    }
    /* On failure the tap goes away with tapfd. */
    if (mac && vr_netlink_link_set_mac(ifr.ifr_name, mac) < 0)
        return -1;
    VR_DEBUG("created tap '%s' (fd %d)", ifr.ifr_name, tapfd);
    *ifname = g_strndup(ifr.ifr_name, IFNAMSIZ);
    *fd = vr_steal_fd(&tapfd);
    return 0;
}
