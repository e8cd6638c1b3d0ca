//! WAL checkpoints on their own thread and connection, beside the writer.
//!
//! Why: a checkpoint copies the write-ahead log into the database file and
//! syncs it. Run by the writer (SQLite's automatic checkpoint after every
//! 1,000 pages) it held up every webhook waiting for its commit, for hundreds
//! of milliseconds on a slow disk. A `PASSIVE` checkpoint on another connection
//! runs while the writer keeps committing (https://sqlite.org/wal.html#ckpt).
//!
//! The log only starts again from its beginning once a checkpoint has copied
//! all of it before the writer's next transaction, which steady load may never
//! allow; past [`RESTART_FRAMES`] the checkpointer copies the rest while
//! holding the writer back for that short moment, so the file stays bounded
//! (it is then reused from its start, not cut back: cutting a large file
//! short made that moment longer).

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use rusqlite::Connection;

/// Least time between two checkpoints: each syncs the database file, so they are batched.
const GAP: Duration = Duration::from_millis(100);
/// Log frames (pages of 4 KiB by default) past which a checkpoint also makes
/// the writer start the log again: about 64 MiB. Below it the log starts
/// again by itself in the first pause of a few milliseconds between commits.
const RESTART_FRAMES: i64 = 16_384;
/// Frames left uncopied after which the restarting checkpoint runs.
const CATCH_UP_FRAMES: i64 = 256;
/// Most catch-up passes before it runs anyway.
const MAX_CATCH_UP_PASSES: usize = 8;

/// Wakes the checkpoint thread after commits. The thread ends when this is dropped.
#[derive(Debug)]
pub(super) struct Checkpointer {
    nudge: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the thread for the database file at `path` with its own connection.
    pub(super) fn spawn(path: &str) -> std::io::Result<Checkpointer> {
        let (nudge, woken) = mpsc::sync_channel(1);
        let path = path.to_string();
        std::thread::Builder::new().name("genesys-desk-checkpoint".into()).spawn(move || run(&path, &woken))?;
        Ok(Checkpointer { nudge })
    }

    /// Asks for a checkpoint soon (never blocks; one pending request is enough).
    pub(super) fn nudge(&self) {
        match self.nudge.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

fn run(path: &str, woken: &Receiver<()>) {
    let opened = Connection::open(path).and_then(|mut c| {
        // Retried every millisecond, for a quarter of a second at most: a
        // checkpoint that waits longer holds the writer back; it tries again later instead.
        c.busy_handler(Some(|attempt| {
            std::thread::sleep(Duration::from_millis(1));
            attempt < 250
        }))?;
        Ok(c)
    });
    let conn = match opened {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!("history checkpoints not running ({e}): the log file grows until genesys-desk stops");
            return;
        }
    };
    while woken.recv().is_ok() {
        if let Err(e) = checkpoint(&conn, RESTART_FRAMES) {
            tracing::warn!("history checkpoint failed (tried again after the next commit): {e}");
        }
        std::thread::sleep(GAP);
    }
}

/// One passive checkpoint; when the log has grown to `restart_at` frames,
/// more passive ones until only the few frames committed meanwhile are left
/// (each pass copies what the writer added during the one before), then one
/// that copies those while holding the writer back, so its next commit starts
/// the log again. The writer waits for a handful of frames, not thousands.
/// Returns the frames in the log.
fn checkpoint(conn: &Connection, restart_at: i64) -> rusqlite::Result<i64> {
    let (_busy, mut log, mut copied) = mode(conn, "PASSIVE")?;
    if log < restart_at {
        return Ok(log);
    }
    for _ in 0..MAX_CATCH_UP_PASSES {
        if log - copied <= CATCH_UP_FRAMES {
            break;
        }
        (_, log, copied) = mode(conn, "PASSIVE")?;
    }
    Ok(mode(conn, "RESTART")?.1)
}

fn mode(conn: &Connection, mode: &str) -> rusqlite::Result<(i64, i64, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer like the history writer's: WAL, no automatic checkpoint, 50 rows of 8 KiB.
    fn written(dir: &std::path::Path) -> (Connection, Connection) {
        let path = dir.join("h.sqlite3");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.execute_batch("CREATE TABLE t (v TEXT)").unwrap();
        for _ in 0..50 {
            writer.execute("INSERT INTO t VALUES (?1)", [&"x".repeat(8192)]).unwrap();
        }
        (writer, Connection::open(&path).unwrap())
    }

    #[test]
    fn a_passive_checkpoint_on_a_second_connection_copies_every_frame() {
        let dir = tempfile::tempdir().unwrap();
        let (_writer, other) = written(dir.path());
        let left = checkpoint(&other, RESTART_FRAMES).unwrap();
        assert!(left > 100, "the log keeps its (copied) frames below the mark: {left}");
        let (_, log, copied) = mode(&other, "PASSIVE").unwrap();
        assert_eq!(log, copied, "every frame was copied into the database");
    }

    #[test]
    fn past_the_mark_the_next_commit_starts_the_log_again() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, other) = written(dir.path());
        let wal = || std::fs::metadata(dir.path().join("h.sqlite3-wal")).unwrap().len();
        let grown = wal();
        checkpoint(&other, 100).unwrap();
        // Without the restart this commit would append after the 50 rows' frames.
        writer.execute("INSERT INTO t VALUES ('y')", []).unwrap();
        let (_, log, _) = mode(&other, "PASSIVE").unwrap();
        assert!(log < 5, "the log started again: {log} frames");
        assert_eq!(wal(), grown, "the file is reused, not grown");
    }
}
