//! One batch of the history writer: every queued row in one transaction.
//!
//! Rows are first written without a savepoint each: one failing row is rare,
//! and a savepoint per row cost the writer thread about a tenth of its time
//! (SQLite copies each page a row changes into a statement journal). When a
//! row does fail, the batch is rolled back and written again with a savepoint
//! per row, so that row's error reaches its waiter and the others are kept.

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::queries::{self, DeliveryStored};
use super::writer::{Call, Job};
use super::{Db, Error, Result};

/// What one queued row became.
enum Written {
    Delivery(Result<DeliveryStored>),
    Traffic(Result<i64>),
}

impl Written {
    fn failed(&self) -> bool {
        matches!(self, Written::Delivery(Err(_)) | Written::Traffic(Err(_)))
    }
}

/// Writes each row of `jobs` as it comes and commits them together, then
/// answers each waiter (told "stored" only once it is), then runs the calls
/// in order. Rows are written while the batch is still being gathered, so
/// the commit after the last one is all that is left.
pub(super) fn commit(db: &mut Db, jobs: &mut dyn Iterator<Item = Job>) {
    let path = db.conn.path().filter(|p| !p.is_empty()).map(str::to_string);
    let mut rows = Vec::new();
    let mut calls = Vec::new();
    let outcome = match write_as_taken(&mut db.conn, jobs, &mut rows, &mut calls) {
        Ok(Some(written)) => Ok(written),
        Ok(None) => write_each_in_savepoint(&mut db.conn, &rows),
        Err(e) => Err(e),
    };
    answer(rows, outcome, path.as_deref());
    for call in calls {
        call(db);
    }
}

/// Takes jobs from `jobs` and writes their rows in one transaction without a
/// savepoint each, then commits; the rows go to `rows`, the calls to `calls`.
/// `None` when a row failed (the rest of the batch is taken unwritten, and
/// nothing is kept).
fn write_as_taken(
    conn: &mut Connection,
    jobs: &mut dyn Iterator<Item = Job>,
    rows: &mut Vec<Job>,
    calls: &mut Vec<Call>,
) -> rusqlite::Result<Option<Vec<Written>>> {
    // IMMEDIATE: the write lock is taken (waiting for a checkpoint that holds
    // it) before anything is read, so the batch never finds its snapshot stale.
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            // Every job of the batch is answered with the cause.
            jobs.for_each(|job| take(job, rows, calls));
            return Err(e);
        }
    };
    let mut written = Vec::new();
    let mut failed = false;
    for job in &mut *jobs {
        take(job, rows, calls);
        let Some(row) = rows.get(written.len()) else { continue };
        let result = write_row(&tx, row, false)?;
        if result.failed() {
            failed = true;
            break;
        }
        written.push(result);
    }
    if failed {
        // The whole batch is written again, a savepoint per row.
        jobs.for_each(|job| take(job, rows, calls));
        return Ok(None);
    }
    tx.commit()?;
    Ok(Some(written))
}

fn take(job: Job, rows: &mut Vec<Job>, calls: &mut Vec<Call>) {
    match job {
        Job::Call(call) => calls.push(call),
        row => rows.push(row),
    }
}

/// Writes every row in one transaction, each in its own savepoint (a failed
/// one is left out, its error kept as its result), and commits.
fn write_each_in_savepoint(conn: &mut Connection, rows: &[Job]) -> rusqlite::Result<Vec<Written>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let written = rows.iter().map(|row| write_row(&tx, row, true)).collect::<rusqlite::Result<Vec<_>>>()?;
    tx.commit()?;
    Ok(written)
}

/// One row's insert (a call has no row: never passed here).
fn write_row(conn: &Connection, row: &Job, isolate: bool) -> rusqlite::Result<Written> {
    Ok(match row {
        Job::Delivery(record, _) => Written::Delivery(run(conn, isolate, |c| queries::insert_delivery(c, record))?),
        Job::Traffic(entry, _) => {
            Written::Traffic(run(conn, isolate, |c| queries::insert_traffic_row(c, entry, None, None))?)
        }
        Job::Call(_) => Written::Traffic(Err(Error::Malformed("a call is not a row".into()))),
    })
}

/// Runs `job`, in a savepoint when `isolate` (its changes undone if it fails).
/// The statements are prepared once (a `Savepoint` guard would compile them
/// for every row, on the one thread every delivery waits for).
fn run<T>(conn: &Connection, isolate: bool, job: impl FnOnce(&Connection) -> Result<T>) -> rusqlite::Result<Result<T>> {
    if !isolate {
        return Ok(job(conn));
    }
    conn.prepare_cached("SAVEPOINT job")?.execute([])?;
    let result = job(conn);
    if result.is_err() {
        conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
    }
    conn.prepare_cached("RELEASE job")?.execute([])?;
    Ok(result)
}

/// Sends each row's result, or the commit's error to every row (the same cause).
fn answer(rows: Vec<Job>, outcome: rusqlite::Result<Vec<Written>>, path: Option<&str>) {
    let failed = match outcome {
        Ok(written) => {
            for (row, result) in rows.into_iter().zip(written) {
                match (row, result) {
                    (Job::Delivery(record, done), Written::Delivery(r)) => {
                        send(done, (r.map_err(|e| e.at_path(path)), record));
                    }
                    (Job::Traffic(_, done), Written::Traffic(r)) => send(done, r.map_err(|e| e.at_path(path))),
                    _ => {}
                }
            }
            return;
        }
        Err(e) => std::sync::Arc::new(e),
    };
    for row in rows {
        match row {
            Job::Delivery(record, done) => send(done, (Err(Error::commit(failed.clone(), path)), record)),
            Job::Traffic(_, done) => send(done, Err(Error::commit(failed.clone(), path))),
            Job::Call(_) => {}
        }
    }
}

fn send<T>(done: oneshot::Sender<T>, result: T) {
    // A waiter that gave up (its request was dropped) needs no answer.
    let _ = done.send(result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::queries::tests::delivery;

    fn queued(n: usize) -> (Job, oneshot::Receiver<super::super::writer::DeliveryAnswer>) {
        let (done, wait) = oneshot::channel();
        (Job::Delivery(Box::new(delivery(n, false)), done), wait)
    }

    fn count(db: &Db, table: &str) -> i64 {
        db.conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn a_failing_row_is_refused_alone_and_leaves_nothing_behind() {
        let mut db = Db::open_in_memory().unwrap();
        // Row 2's chat message is refused after its traffic row was written.
        db.conn
            .execute_batch(&format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.genesys_id = '{:032x}'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
                2
            ))
            .unwrap();
        let (jobs, waits): (Vec<Job>, Vec<_>) = (1..=3).map(queued).unzip();
        commit(&mut db, &mut jobs.into_iter());
        let answers: Vec<bool> = waits.into_iter().map(|mut w| w.try_recv().unwrap().0.is_ok()).collect();
        assert_eq!(answers, [true, false, true]);
        assert_eq!((count(&db, "traffic"), count(&db, "messages")), (2, 2), "row 2 left no traffic row");
    }

    #[test]
    fn a_batch_without_failures_stores_every_row() {
        let mut db = Db::open_in_memory().unwrap();
        let (jobs, waits): (Vec<Job>, Vec<_>) = (1..=3).map(queued).unzip();
        commit(&mut db, &mut jobs.into_iter());
        for mut wait in waits {
            assert_eq!(wait.try_recv().unwrap().0.unwrap().attempt, 1);
        }
        assert_eq!((count(&db, "traffic"), count(&db, "messages")), (3, 3));
    }
}
