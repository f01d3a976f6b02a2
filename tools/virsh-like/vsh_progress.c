/* vsh_progress.c: the progress bar of vol-upload / vol-download on
 * stderr: percent, bytes done and total, rate.  Drawn only when stderr is
 * a terminal, and only once the transfer has lasted more than a second
 * (short transfers stay silent, like virsh). */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "vsh_storage.h"

#define BAR_WIDTH 30

struct _VshProgress {
    char *label;
    unsigned long long total;
    unsigned long long done;
    gint64 start;          /* monotonic, microseconds */
    gint64 last_draw;
    bool tty;
    bool shown;
};

char *
vsh_progress_line(const char *label, unsigned long long done,
                  unsigned long long total, double secs)
{
    g_autofree char *sdone = vsh_capacity_format(done);
    g_autofree char *stotal = vsh_capacity_format(total);
    g_autofree char *srate = vsh_capacity_format(
        secs > 0 ? (unsigned long long) ((double) done / secs) : 0);
    int pct = total ? (int) MIN(100, done * 100 / total) : 100;
    int fill = pct * BAR_WIDTH / 100;
    char bar[BAR_WIDTH + 1];

    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[BAR_WIDTH] = '\0';
    return g_strdup_printf("%s [%s] %3d%% %s / %s %s/s", label, bar, pct,
                           sdone, stotal, srate);
}

VshProgress *
vsh_progress_new(const char *label, unsigned long long total)
{
    VshProgress *p = g_new0(VshProgress, 1);

    p->label = g_strdup(label);
    p->total = total;
    p->start = g_get_monotonic_time();
    p->tty = isatty(STDERR_FILENO);
    return p;
}

static void
draw(VshProgress *p, gint64 now)
{
    g_autofree char *line = vsh_progress_line(
        p->label, p->done, p->total, (double) (now - p->start) / 1e6);

    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    p->shown = true;
    p->last_draw = now;
}

void
vsh_progress_update(VshProgress *p, unsigned long long done)
{
    gint64 now;

    p->done = done;
    if (!p->tty)
        return;
    now = g_get_monotonic_time();
    if (now - p->start < G_USEC_PER_SEC || now - p->last_draw < 200000)
        return;
    draw(p, now);
}

void
vsh_progress_free(VshProgress *p, bool ok)
{
    if (!p)
        return;
    if (p->shown) {
        if (ok)
            p->done = MAX(p->done, p->total);
        draw(p, g_get_monotonic_time());
        fputc('\n', stderr);
    }
    g_free(p->label);
    g_free(p);
}
