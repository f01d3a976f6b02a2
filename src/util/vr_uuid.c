/* vr_uuid.c: UUID helpers. */
#include <config.h>

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "vr_uuid.h"

void
vr_uuid_generate(unsigned char uuid[VR_UUID_BUFLEN])
{
    ssize_t n = getrandom(uuid, VR_UUID_BUFLEN, 0);

    if (n != VR_UUID_BUFLEN) {
        for (size_t i = 0; i < VR_UUID_BUFLEN; i++)
            uuid[i] = (unsigned char) g_random_int_range(0, 256);
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

int
vr_uuid_parse(const char *str, unsigned char uuid[VR_UUID_BUFLEN])
{
    size_t i = 0;
    const char *p = str;

    while (g_ascii_isspace(*p))
        p++;
    while (i < VR_UUID_BUFLEN) {
        int hi, lo;

        if (*p == '-') {
            p++;
            continue;
        }
        hi = g_ascii_xdigit_value(p[0]);
        lo = hi < 0 ? -1 : g_ascii_xdigit_value(p[1]);
        if (hi < 0 || lo < 0)
            return -1;
        uuid[i++] = (unsigned char) (hi << 4 | lo);
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p ? -1 : 0;
}

char *
vr_uuid_format(const unsigned char uuid[VR_UUID_BUFLEN],
               char out[VR_UUID_STRING_BUFLEN])
{
    snprintf(out, VR_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5],
             uuid[6], uuid[7], uuid[8], uuid[9], uuid[10], uuid[11],
             uuid[12], uuid[13], uuid[14], uuid[15]);
    return out;
}

bool
vr_uuid_is_null(const unsigned char uuid[VR_UUID_BUFLEN])
{
    static const unsigned char zero[VR_UUID_BUFLEN];

    return memcmp(uuid, zero, VR_UUID_BUFLEN) == 0;
}
