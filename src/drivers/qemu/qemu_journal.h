/* qemu_journal.h: the write-ahead journal of definition changes
 * (<config>/qemu/.journal), so a define or undefine is durable after one
 * pwrite + fdatasync.  A background thread later applies the records to
 * the NAME.xml files and empties the journal.  Format and recovery:
 * docs/internals/durability.md.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _QemuJournal QemuJournal;

typedef enum {
    QEMU_JOURNAL_PUT = 1,       /* NAME.xml now holds the XML */
    QEMU_JOURNAL_DELETE = 2,    /* NAME.xml is removed */
} QemuJournalOp;

#define QEMU_JOURNAL_MAGIC 0x4e524a56u      /* "VJRN" little-endian */
#define QEMU_JOURNAL_HEADER_SIZE 28
#define QEMU_JOURNAL_DEFAULT_SIZE (8 * 1024 * 1024)
#define QEMU_JOURNAL_FILE ".journal"

/* One decoded record; name and xml point into the decoded buffer. */
typedef struct {
    uint64_t seq;
    QemuJournalOp op;
    const char *name;
    size_t name_len;
    const char *xml;
    size_t xml_len;
} QemuJournalRecord;

/* Encode a record: [magic][seq][op][name len][xml len][crc32 of header
 * (crc field zero) + payload][name][xml], little-endian.  Returns the
 * bytes (g_free) and their count in *len.  Never fails. */
guint8 *qemu_journal_record_encode(uint64_t seq, QemuJournalOp op,
                                   const char *name, const char *xml,
                                   size_t *len);

/* Decode the record at @buf (@avail bytes readable).  Returns its size,
 * or 0 when there is no valid record there (zeroes, bad magic, op, sizes
 * or crc: the end of the journal).  Reports nothing. */
size_t qemu_journal_record_decode(const guint8 *buf, size_t avail,
                                  QemuJournalRecord *rec);

enum {
    /* No checkpoint thread: changes are applied by
     * qemu_journal_checkpoint, qemu_journal_close, or an append that
     * finds the journal full (tests). */
    QEMU_JOURNAL_NO_THREAD = 1 << 0,
};

/* Open (creating and pre-zeroing to @size bytes, 0 for the default) the
 * journal in @dir, replay every valid record in order into @dir's
 * NAME.xml files, and empty it; then start the checkpoint thread.  Call
 * before reading the definition files.  Returns the journal or NULL with
 * an error reported. */
QemuJournal *qemu_journal_open(const char *dir, size_t size,
                               unsigned int flags);

/* Make the change durable: append the record and fdatasync.  When the
 * journal is full, waits for the checkpoint to empty it.  @xml is NULL
 * for QEMU_JOURNAL_DELETE.  Callers serialise changes to one name (the
 * driver's config lock).  Returns 0, or -1 with an error reported (the
 * change did not happen). */
int qemu_journal_append(QemuJournal *j, QemuJournalOp op, const char *name,
                        const char *xml);

/* Apply everything appended so far to the files now (tests, shutdown).
 * Returns 0 or -1 (reported). */
int qemu_journal_checkpoint(QemuJournal *j);

/* Bytes of the journal in use (tests). */
size_t qemu_journal_used(QemuJournal *j);

/* Stop the checkpoint thread after a last checkpoint, close.  Without it
 * (a crash) the next open replays.  NULL-safe. */
void qemu_journal_close(QemuJournal *j);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuJournal, qemu_journal_close)

/* Tests only: close without the last checkpoint, as a crash would. */
void qemu_journal_abandon(QemuJournal *j);
