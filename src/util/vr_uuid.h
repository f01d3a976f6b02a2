/* vr_uuid.h: 16-byte UUIDs: generate, parse, format. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define VR_UUID_BUFLEN 16
#define VR_UUID_STRING_BUFLEN 37  /* 36 chars + NUL */

/* Fill @uuid with a random (version 4) UUID. */
void vr_uuid_generate(unsigned char uuid[VR_UUID_BUFLEN]);

/* Parse "xxxxxxxx-xxxx-..." (hyphens optional, as libvirt accepts, and
 * surrounding blanks ignored).  Returns 0, or -1 when @str is not a UUID
 * (not reported: an expected answer). */
int vr_uuid_parse(const char *str, unsigned char uuid[VR_UUID_BUFLEN]);

/* Format into @out (lowercase, hyphenated); returns @out. */
char *vr_uuid_format(const unsigned char uuid[VR_UUID_BUFLEN],
                     char out[VR_UUID_STRING_BUFLEN]);

bool vr_uuid_is_null(const unsigned char uuid[VR_UUID_BUFLEN]);
