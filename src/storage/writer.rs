//! The history writer: one thread owns the `Db` and group-commits.
//!
//! Why: the listener must answer Genesys `200` only after the delivery's row is
//! committed, yet one transaction (one WAL sync) per request caps throughput.
//! The writer takes everything queued, runs it in a single transaction (a
//! savepoint per job so one bad row does not sink the others), commits once and
//! then acknowledges every waiter. Checkpoints run beside it ([`super::checkpoint`]),
//! so no commit waits for the log to be copied into the database file.

use tokio::sync::{mpsc, oneshot};

use super::checkpoint::Checkpointer;
use super::prune::{HistoryLimits, PRUNE_EVERY};
use super::queries::{self, DeliveryRecord, DeliveryStored};
use super::{Db, Error, Result};
use crate::model::TrafficEntry;

/// Most jobs folded into one transaction (bounds the latency of the first one).
const MAX_BATCH: usize = 512;

type Call = Box<dyn FnOnce(&mut Db) + Send>;

enum Job {
    Delivery(Box<DeliveryRecord>, oneshot::Sender<Result<DeliveryStored>>),
    Traffic(Box<TrafficEntry>, oneshot::Sender<Result<i64>>),
    Call(Call),
}

/// Starts the writer thread.
pub struct Writer;

impl Writer {
    /// Moves `db` onto a dedicated thread and returns the handle to queue work.
    /// The thread ends when every handle is dropped (after finishing queued work).
    /// The history is capped at [`HistoryLimits::default`].
    pub fn spawn(db: Db) -> std::io::Result<WriterHandle> {
        Self::spawn_with(db, HistoryLimits::default())
    }

    /// [`Self::spawn`] with the history capped at `limits` (checked at most once
    /// per [`PRUNE_EVERY`], between batches, and when the writer starts).
    pub fn spawn_with(db: Db, limits: HistoryLimits) -> std::io::Result<WriterHandle> {
        let (tx, rx) = mpsc::unbounded_channel();
        let checkpointer = match db.conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let checkpointer = Checkpointer::spawn(path)?;
                db.conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(std::io::Error::other)?;
                Some(checkpointer)
            }
            None => None,
        };
        std::thread::Builder::new()
            .name("genesys-desk-history".into())
            .spawn(move || run(db, rx, limits, checkpointer))?;
        Ok(WriterHandle { tx })
    }
}

/// Queues work for the writer thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct WriterHandle {
    tx: mpsc::UnboundedSender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Delivery(..) => "Job::Delivery",
            Job::Traffic(..) => "Job::Traffic",
            Job::Call(..) => "Job::Call",
        })
    }
}

impl WriterHandle {
    /// Stores a webhook delivery; resolves once its transaction is committed.
    pub async fn insert_delivery(&self, record: DeliveryRecord) -> Result<DeliveryStored> {
        let (done, wait) = oneshot::channel();
        self.tx.send(Job::Delivery(Box::new(record), done)).map_err(|_| Error::WriterStopped)?;
        wait.await.map_err(|_| Error::WriterStopped)?
    }

    /// Stores a traffic entry; resolves once committed.
    pub async fn insert_traffic(&self, entry: TrafficEntry) -> Result<i64> {
        let (done, wait) = oneshot::channel();
        self.tx.send(Job::Traffic(Box::new(entry), done)).map_err(|_| Error::WriterStopped)?;
        wait.await.map_err(|_| Error::WriterStopped)?
    }

    /// Runs `f` on the writer's connection (after the work queued before it is committed):
    /// the way to read or run any other query against the same database, including an in-memory one.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Db) -> R + Send + 'static,
    {
        let (done, wait) = oneshot::channel();
        let job: Call = Box::new(move |db| {
            let _ = done.send(f(db));
        });
        self.tx.send(Job::Call(job)).map_err(|_| Error::WriterStopped)?;
        wait.await.map_err(|_| Error::WriterStopped)
    }

    /// [`Self::call`] for a query that can fail itself: one error either way.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db) -> Result<T> + Send + 'static,
    {
        self.call(f).await?
    }

    /// Resolves when everything queued before it is committed.
    pub async fn flush(&self) -> Result<()> {
        self.call(|_| ()).await
    }
}

fn run(mut db: Db, mut rx: mpsc::UnboundedReceiver<Job>, limits: HistoryLimits, checkpointer: Option<Checkpointer>) {
    prune(&mut db, &limits);
    let mut pruned_at = std::time::Instant::now();
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&mut db, batch);
        if let Some(checkpointer) = &checkpointer {
            checkpointer.nudge();
        }
        if pruned_at.elapsed() >= PRUNE_EVERY {
            prune(&mut db, &limits);
            pruned_at = std::time::Instant::now();
        }
    }
}

/// Applies the cap; a failure is logged (the next run tries again), never fatal.
fn prune(db: &mut Db, limits: &HistoryLimits) {
    match db.prune(limits, time::OffsetDateTime::now_utc()) {
        Ok(pruned) if pruned.by_age + pruned.by_size > 0 => {
            tracing::info!("history cap: {} old and {} oldest traffic rows removed", pruned.by_age, pruned.by_size);
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("history cap not applied: {e}"),
    }
}

/// Runs `job` in a savepoint, so a failing job leaves the batch's other rows
/// in. The statements are prepared once (a `Savepoint` guard would compile
/// them for every job, on the one thread every delivery waits for).
fn in_savepoint<T>(
    conn: &rusqlite::Connection,
    job: impl FnOnce(&rusqlite::Connection) -> Result<T>,
) -> rusqlite::Result<Result<T>> {
    conn.prepare_cached("SAVEPOINT job")?.execute([])?;
    let result = job(conn);
    if result.is_err() {
        conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
    }
    conn.prepare_cached("RELEASE job")?.execute([])?;
    Ok(result)
}

/// Answers waiting after the commit: a waiter is told "stored" only once it is.
enum Ack {
    Delivery(oneshot::Sender<Result<DeliveryStored>>, Result<DeliveryStored>),
    Traffic(oneshot::Sender<Result<i64>>, Result<i64>),
}

fn commit_batch(db: &mut Db, batch: Vec<Job>) {
    let path = db.conn.path().filter(|p| !p.is_empty()).map(str::to_string);
    let path = path.as_deref();
    let mut acks = Vec::with_capacity(batch.len());
    let mut calls = Vec::new();
    let outcome = (|| -> rusqlite::Result<()> {
        // IMMEDIATE: the write lock is taken (waiting for a checkpoint that holds
        // it) before anything is read, so the batch never finds its snapshot stale.
        let tx = db.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for job in batch.into_iter() {
            match job {
                Job::Call(call) => calls.push(call),
                Job::Delivery(record, done) => {
                    let result = in_savepoint(&tx, |conn| queries::insert_delivery(conn, &record))?;
                    acks.push(Ack::Delivery(done, result));
                }
                Job::Traffic(entry, done) => {
                    let result = in_savepoint(&tx, |conn| queries::insert_traffic_row(conn, &entry, None, None))?;
                    acks.push(Ack::Traffic(done, result));
                }
            }
        }
        tx.commit()
    })();
    // Every waiter of a failed commit gets the same cause.
    let failed = outcome.err().map(std::sync::Arc::new);
    for ack in acks {
        match (ack, &failed) {
            (Ack::Delivery(done, result), None) => {
                let _ = done.send(result.map_err(|e| e.at_path(path)));
            }
            (Ack::Traffic(done, result), None) => {
                let _ = done.send(result.map_err(|e| e.at_path(path)));
            }
            (Ack::Delivery(done, _), Some(e)) => {
                let _ = done.send(Err(Error::commit(e.clone(), path)));
            }
            (Ack::Traffic(done, _), Some(e)) => {
                let _ = done.send(Err(Error::commit(e.clone(), path)));
            }
        }
    }
    for call in calls {
        call(db);
    }
}
