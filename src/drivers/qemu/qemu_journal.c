/* qemu_journal.c: the write-ahead journal of definition changes (see
 * qemu_journal.h and docs/internals/durability.md).
 *
 * The file is pre-zeroed once, so an append (pwrite + fdatasync) never
 * changes its size and needs one flush.  Everything past `end` is zero
 * up to `dirty`; a reset zeroes the first record's header first (and
 * flushes) so a crash while zeroing never leaves an old record that a
 * replay could apply after a newer one.
 *
 * Locks: `ckpt_lock` serialises checkpoints (file writes happen under it
 * only); `lock` protects the fields below it and is held across an
 * append's pwrite + fdatasync and a reset's zeroing, never across the
 * NAME.xml writes.  Order: ckpt_lock, then lock.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_journal.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

/* Wait this long after the last append before applying (coalescing),
 * unless the journal is half full or someone waits. */
#define CHECKPOINT_IDLE_US (100 * 1000)
#define RETRY_US (1000 * 1000)
#define NAME_MAX_LEN 1024

struct _QemuJournal {
    char *dir;
    char *path;
    int fd;
    size_t size;
    GMutex ckpt_lock;
    GMutex lock;
    GCond work;              /* wakes the checkpoint thread */
    GCond done;              /* a checkpoint finished */
    size_t end;              /* bytes of valid records */
    size_t dirty;            /* bytes that may be non-zero */
    uint64_t next_seq;
    size_t applied;          /* records before this offset are applied */
    gint64 last_append;
    bool want_now;
    bool stop;
    GThread *thread;
};

/* ---- records ------------------------------------------------------------ */

static uint32_t
crc32_update(uint32_t crc, const guint8 *p, size_t len)
{
    static uint32_t table[256];
    static gsize init;

    if (g_once_init_enter(&init)) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        g_once_init_leave(&init, 1);
    }
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void
put32(guint8 *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (guint8) (v >> (8 * i));
}

static uint32_t
get32(const guint8 *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
}

guint8 *
qemu_journal_record_encode(uint64_t seq, QemuJournalOp op, const char *name,
                           const char *xml, size_t *len)
{
    size_t nlen = strlen(name), xlen = xml ? strlen(xml) : 0;
    size_t total = QEMU_JOURNAL_HEADER_SIZE + nlen + xlen;
    guint8 *buf = g_malloc0(total);

    put32(buf, QEMU_JOURNAL_MAGIC);
    put32(buf + 4, (uint32_t) seq);
    put32(buf + 8, (uint32_t) (seq >> 32));
    put32(buf + 12, op);
    put32(buf + 16, (uint32_t) nlen);
    put32(buf + 20, (uint32_t) xlen);
    memcpy(buf + QEMU_JOURNAL_HEADER_SIZE, name, nlen);
    if (xlen)
        memcpy(buf + QEMU_JOURNAL_HEADER_SIZE + nlen, xml, xlen);
    put32(buf + 24, crc32_update(0, buf, total));
    *len = total;
    return buf;
}

size_t
qemu_journal_record_decode(const guint8 *buf, size_t avail,
                           QemuJournalRecord *rec)
{
    guint8 head[QEMU_JOURNAL_HEADER_SIZE];
    uint32_t op, nlen, xlen, crc;
    size_t total;

    if (avail < QEMU_JOURNAL_HEADER_SIZE || get32(buf) != QEMU_JOURNAL_MAGIC)
        return 0;
    op = get32(buf + 12);
    nlen = get32(buf + 16);
    xlen = get32(buf + 20);
    if ((op != QEMU_JOURNAL_PUT && op != QEMU_JOURNAL_DELETE) || nlen == 0 ||
        nlen > NAME_MAX_LEN || (op == QEMU_JOURNAL_DELETE && xlen != 0))
        return 0;
    if ((uint64_t) QEMU_JOURNAL_HEADER_SIZE + nlen + xlen > avail)
        return 0;
    total = QEMU_JOURNAL_HEADER_SIZE + (size_t) nlen + xlen;
    memcpy(head, buf, sizeof(head));
    put32(head + 24, 0);
    crc = crc32_update(0, head, sizeof(head));
    crc = crc32_update(crc, buf + sizeof(head), total - sizeof(head));
    if (crc != get32(buf + 24))
        return 0;
    rec->seq = get32(buf + 4) | ((uint64_t) get32(buf + 8) << 32);
    rec->op = op;
    rec->name = (const char *) buf + QEMU_JOURNAL_HEADER_SIZE;
    rec->name_len = nlen;
    rec->xml = rec->name + nlen;
    rec->xml_len = xlen;
    return total;
}

/* ---- applying changes to NAME.xml --------------------------------------- */

/* Pending changes are not kept in memory: the records are read back from
 * the file when they are applied.  Copies held for the checkpoint used to
 * be freed in one go after a burst of defines, leaving a hole the size of
 * the burst between the definitions allocated meanwhile (a megabyte of
 * resident heap after 1000 defines that malloc could never give back). */

/* Write @len bytes of @data to @path: temp file, fsync, rename (the
 * directory is synced by the caller).  Returns 0 or -1 (reported). */
static int
write_file(const char *dir, const char *name, const char *data, size_t len)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.xml.XXXXXX", dir, name);
    VR_AUTOCLOSE int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot create temporary file for '%s'", path);
        return -1;
    }
    if (vr_write_all(fd, data, len) < 0 || fsync(fd) < 0 ||
        close(vr_steal_fd(&fd)) < 0 || rename(tmp, path) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot write '%s'",
                               path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int
apply_change(const char *dir, QemuJournalOp op, const char *name,
             const char *xml, size_t xml_len)
{
    g_autofree char *path = NULL;

    if (op == QEMU_JOURNAL_PUT)
        return write_file(dir, name, xml, xml_len);
    path = g_strdup_printf("%s/%s.xml", dir, name);
    if (unlink(path) < 0 && errno != ENOENT) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot remove '%s'",
                               path);
        return -1;
    }
    return 0;
}

static guint
record_name_hash(gconstpointer p)
{
    const QemuJournalRecord *r = p;
    guint h = 5381;

    for (size_t i = 0; i < r->name_len; i++)
        h = h * 33 + (guchar) r->name[i];
    return h;
}

static gboolean
record_name_equal(gconstpointer a, gconstpointer b)
{
    const QemuJournalRecord *x = a, *y = b;

    return x->name_len == y->name_len &&
           memcmp(x->name, y->name, x->name_len) == 0;
}

/* Decode the consecutive valid records of @buf (@len bytes); *maxseq
 * gets the last sequence number (unchanged when there are none).  The
 * records point into @buf. */
static GArray *
scan_records(const guint8 *buf, size_t len, uint64_t *maxseq)
{
    GArray *recs = g_array_new(FALSE, FALSE, sizeof(QemuJournalRecord));
    QemuJournalRecord rec;
    size_t off = 0, n;

    while ((n = qemu_journal_record_decode(buf + off, len - off, &rec))) {
        /* Records are consecutive; anything else is left from before a
         * reset and was applied then. */
        if (recs->len > 0 && rec.seq != *maxseq + 1)
            break;
        g_array_append_val(recs, rec);
        *maxseq = rec.seq;
        off += n;
    }
    return recs;
}

/* Apply the records of @buf in order, only the last change of each
 * name, then sync the directory once.  *count gets how many records
 * there were.  Returns 0 or -1 (reported). */
static int
apply_records(const char *dir, const guint8 *buf, size_t len,
              uint64_t *maxseq, guint *count)
{
    g_autoptr(GArray) recs = scan_records(buf, len, maxseq);
    g_autoptr(GHashTable) last = g_hash_table_new(record_name_hash,
                                                  record_name_equal);

    *count = recs->len;
    for (guint i = 0; i < recs->len; i++) {
        QemuJournalRecord *r = &g_array_index(recs, QemuJournalRecord, i);
        g_hash_table_insert(last, r, r);
    }
    for (guint i = 0; i < recs->len; i++) {
        QemuJournalRecord *r = &g_array_index(recs, QemuJournalRecord, i);
        g_autofree char *name = NULL;

        if (g_hash_table_lookup(last, r) != r)
            continue;
        name = g_strndup(r->name, r->name_len);
        if (apply_change(dir, r->op, name, r->xml, r->xml_len) < 0)
            return -1;
    }
    return recs->len ? vr_dir_sync(dir) : 0;
}

/* ---- the journal file ---------------------------------------------------- */

/* Zero [@from, @to) of the file and flush.  Returns 0 or -1 (reported). */
static int
zero_range(QemuJournal *j, size_t from, size_t to)
{
    static const guint8 zeroes[65536];

    while (from < to) {
        size_t n = MIN(sizeof(zeroes), to - from);
        ssize_t w = pwrite(j->fd, zeroes, n, (off_t) from);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot clear journal '%s'", j->path);
            return -1;
        }
        from += w;
    }
    if (fdatasync(j->fd) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot sync journal '%s'", j->path);
        return -1;
    }
    return 0;
}

/* Empty the journal (lock held, everything applied): the first header
 * goes first so no prefix of old records can survive a crash. */
static int
reset_locked(QemuJournal *j)
{
    size_t dirty = j->dirty;

    if (dirty == 0)
        return 0;
    if (zero_range(j, 0, MIN(dirty, QEMU_JOURNAL_HEADER_SIZE)) < 0 ||
        zero_range(j, QEMU_JOURNAL_HEADER_SIZE, dirty) < 0)
        return -1;
    j->end = 0;
    j->applied = 0;
    j->dirty = 0;
    return 0;
}

/* The whole journal file mapped read-only in *data (munmap *len bytes;
 * NULL when empty).  A mapping, not a read: the file is mostly zeroes
 * and this is on the daemon's start path, where copying megabytes into
 * fresh memory cost more than parsing a thousand definitions' worth of
 * files.  Returns 0 or -1 (reported). */
static int
map_journal(QemuJournal *j, guint8 **data, size_t *len)
{
    struct stat st;
    void *map;

    *data = NULL;
    *len = 0;
    if (fstat(j->fd, &st) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot read '%s'",
                               j->path);
        return -1;
    }
    if (st.st_size == 0)
        return 0;
    map = mmap(NULL, (size_t) st.st_size, PROT_READ,
               MAP_PRIVATE | MAP_POPULATE, j->fd, 0);
    if (map == MAP_FAILED) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot map '%s'",
                               j->path);
        return -1;
    }
    *data = map;
    *len = (size_t) st.st_size;
    return 0;
}

/* Offset just past the last non-zero byte of @buf (0: all zero). */
static size_t
nonzero_end(const guint8 *buf, size_t len)
{
    static const guint8 zeroes[4096];
    size_t end = len;

    while (end > 0) {
        size_t n = MIN(end, sizeof(zeroes));

        if (memcmp(buf + end - n, zeroes, n) != 0)
            break;
        end -= n;
    }
    while (end > 0 && buf[end - 1] == 0)
        end--;
    return end;
}

/* Replay the file's records into the NAME.xml files, then make the file
 * @size zero bytes.  Returns 0 or -1 (reported). */
static int
recover(QemuJournal *j)
{
    guint8 *data = NULL;
    size_t len = 0, last = 0;
    uint64_t maxseq = 0;
    guint count = 0;

    if (map_journal(j, &data, &len) < 0)
        return -1;
    if (apply_records(j->dir, data, len, &maxseq, &count) < 0) {
        if (data)
            munmap(data, len);
        return -1;
    }
    if (count > 0)
        VR_INFO("replayed %u definition changes from %s", count, j->path);
    j->next_seq = maxseq + 1;
    last = nonzero_end(data, len);
    if (data)
        munmap(data, len);
    j->dirty = MIN(last, j->size);
    if (len != j->size) {
        /* New (or resized): zero it whole, once. */
        if (ftruncate(j->fd, (off_t) j->size) < 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot size journal '%s'", j->path);
            return -1;
        }
        j->dirty = j->size;
        if (reset_locked(j) < 0 || vr_dir_sync(j->dir) < 0)
            return -1;
        return 0;
    }
    return reset_locked(j);
}

/* ---- checkpoints ---------------------------------------------------------- */

/* Apply the file's records in [@from, @to), read back through a
 * temporary mapping (appends only write past @to meanwhile).  Returns 0
 * or -1 (reported). */
static int
apply_range(QemuJournal *j, size_t from, size_t to)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t base = from - from % page, maplen = to - base;
    uint64_t maxseq = 0;
    guint count = 0;
    void *map;
    int rc;

    if (from >= to)
        return 0;
    map = mmap(NULL, maplen, PROT_READ, MAP_SHARED, j->fd, (off_t) base);
    if (map == MAP_FAILED) {
        vr_error_report_system(errno, VR_FROM_QEMU, "cannot map '%s'",
                               j->path);
        return -1;
    }
    rc = apply_records(j->dir, (const guint8 *) map + (from - base),
                       to - from, &maxseq, &count);
    munmap(map, maplen);
    return rc;
}

/* Apply what is pending; empty the journal if nothing came meanwhile.
 * Returns 0 or -1 (reported; the changes stay pending). */
static int
checkpoint(QemuJournal *j)
{
    size_t from, snap_end;
    int rc;

    g_mutex_lock(&j->ckpt_lock);
    g_mutex_lock(&j->lock);
    from = j->applied;
    snap_end = j->end;
    g_mutex_unlock(&j->lock);

    rc = apply_range(j, from, snap_end);

    g_mutex_lock(&j->lock);
    if (rc == 0) {
        /* On failure they stay pending, in order, ahead of newer ones. */
        j->applied = snap_end;
        if (j->end == snap_end)
            rc = reset_locked(j);
    }
    g_cond_broadcast(&j->done);
    g_mutex_unlock(&j->lock);
    g_mutex_unlock(&j->ckpt_lock);
    return rc;
}

/* Whether the thread should checkpoint now (lock held); otherwise
 * *until is when to look again (0: wait for a signal). */
static bool
due_locked(QemuJournal *j, gint64 *until)
{
    *until = 0;
    if (j->end == 0)
        return false;
    if (j->want_now || j->stop || j->end >= j->size / 2)
        return true;
    *until = j->last_append + CHECKPOINT_IDLE_US;
    return g_get_monotonic_time() >= *until;
}

static gpointer
checkpoint_thread(gpointer data)
{
    QemuJournal *j = data;
    gint64 until;

    g_mutex_lock(&j->lock);
    while (!j->stop) {
        if (!due_locked(j, &until)) {
            if (until)
                g_cond_wait_until(&j->work, &j->lock, until);
            else
                g_cond_wait(&j->work, &j->lock);
            continue;
        }
        j->want_now = false;
        g_mutex_unlock(&j->lock);
        if (checkpoint(j) < 0) {
            VR_WARN("journal checkpoint failed, retrying: %s",
                    vr_error_message());
            vr_error_reset();
            g_usleep(RETRY_US);
        }
#ifdef __GLIBC__
        /* Give back what applying (and the defines before it) freed. */
        malloc_trim(0);
#endif
        g_mutex_lock(&j->lock);
    }
    g_mutex_unlock(&j->lock);
    return NULL;
}

int
qemu_journal_checkpoint(QemuJournal *j)
{
    return checkpoint(j);
}

size_t
qemu_journal_used(QemuJournal *j)
{
    size_t used;

    g_mutex_lock(&j->lock);
    used = j->end;
    g_mutex_unlock(&j->lock);
    return used;
}

/* ---- appending ------------------------------------------------------------ */

/* Wait (lock held) until @len more bytes fit, or, for a record larger
 * than the whole journal, until it is empty. */
static void
wait_room_locked(QemuJournal *j, size_t len)
{
    while (len <= j->size ? j->end + len > j->size :
                            j->end > 0) {
        if (!j->thread) {
            /* No checkpoint thread: make room ourselves. */
            g_mutex_unlock(&j->lock);
            if (checkpoint(j) < 0) {
                VR_WARN("journal checkpoint failed: %s", vr_error_message());
                vr_error_reset();
            }
            g_mutex_lock(&j->lock);
            continue;
        }
        j->want_now = true;
        g_cond_signal(&j->work);
        g_cond_wait(&j->done, &j->lock);
    }
}

/* A change too large for the journal, written straight to the file while
 * the journal is empty and locked (so nothing older can follow it). */
static int
apply_direct_locked(QemuJournal *j, QemuJournalOp op, const char *name,
                    const char *xml)
{
    if (apply_change(j->dir, op, name, xml, xml ? strlen(xml) : 0) < 0)
        return -1;
    return vr_dir_sync(j->dir);
}

static int
write_record_locked(QemuJournal *j, const guint8 *rec, size_t len)
{
    size_t done = 0;

    j->dirty = MAX(j->dirty, j->end + len);
    while (done < len) {
        ssize_t w = pwrite(j->fd, rec + done, len - done,
                           (off_t) (j->end + done));

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot write journal '%s'", j->path);
            return -1;
        }
        done += w;
    }
    if (fdatasync(j->fd) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot sync journal '%s'", j->path);
        return -1;
    }
    return 0;
}

int
qemu_journal_append(QemuJournal *j, QemuJournalOp op, const char *name,
                    const char *xml)
{
    size_t len;
    g_autofree guint8 *rec = NULL;
    int rc;

    g_mutex_lock(&j->lock);
    rec = qemu_journal_record_encode(j->next_seq, op, name, xml, &len);
    wait_room_locked(j, len);
    if (len > j->size) {
        rc = apply_direct_locked(j, op, name, xml);
    } else if ((rc = write_record_locked(j, rec, len)) == 0) {
        j->end += len;
        j->next_seq++;
        j->last_append = g_get_monotonic_time();
        g_cond_signal(&j->work);
    }
    g_mutex_unlock(&j->lock);
    return rc;
}

/* ---- open and close --------------------------------------------------------- */

QemuJournal *
qemu_journal_open(const char *dir, size_t size, unsigned int flags)
{
    QemuJournal *j = g_new0(QemuJournal, 1);

    g_mutex_init(&j->ckpt_lock);
    g_mutex_init(&j->lock);
    g_cond_init(&j->work);
    g_cond_init(&j->done);
    j->dir = g_strdup(dir);
    j->path = g_build_filename(dir, QEMU_JOURNAL_FILE, NULL);
    j->size = size ? size : QEMU_JOURNAL_DEFAULT_SIZE;
    j->next_seq = 1;
    j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open journal '%s'", j->path);
        qemu_journal_abandon(j);
        return NULL;
    }
    if (recover(j) < 0) {
        qemu_journal_abandon(j);
        return NULL;
    }
    if (!(flags & QEMU_JOURNAL_NO_THREAD))
        j->thread = g_thread_new("vr-journal", checkpoint_thread, j);
    return j;
}

static void
journal_stop(QemuJournal *j)
{
    if (!j->thread)
        return;
    g_mutex_lock(&j->lock);
    j->stop = true;
    g_cond_signal(&j->work);
    g_mutex_unlock(&j->lock);
    g_thread_join(j->thread);
    j->thread = NULL;
}

void
qemu_journal_abandon(QemuJournal *j)
{
    if (!j)
        return;
    journal_stop(j);
    if (j->fd >= 0)
        close(j->fd);
    g_mutex_clear(&j->ckpt_lock);
    g_mutex_clear(&j->lock);
    g_cond_clear(&j->work);
    g_cond_clear(&j->done);
    g_free(j->dir);
    g_free(j->path);
    g_free(j);
}

void
qemu_journal_close(QemuJournal *j)
{
    if (!j)
        return;
    journal_stop(j);
    if (checkpoint(j) < 0) {
        VR_WARN("journal not emptied at exit (replayed at next start): %s",
                vr_error_message());
        vr_error_reset();
    }
    qemu_journal_abandon(j);
}
