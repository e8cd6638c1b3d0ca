//! The history writer: one thread owns the `Db` and group-commits.
//!
//! Why: the listener must answer Genesys `200` only after the delivery's row is
//! committed, yet one transaction (one WAL sync) per request caps throughput.
//! The writer writes each queued row into one open transaction as it arrives
//! (one bad row does not sink the others, see [`super::batch`]), commits once
//! when the burst is over and then acknowledges every waiter. Checkpoints run beside it ([`super::checkpoint`]),
//! so no commit waits for the log to be copied into the database file.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::checkpoint::Checkpointer;
use super::prune::{HistoryLimits, PRUNE_EVERY};
use super::queries::{DeliveryRecord, DeliveryStored};
use super::{Db, Error, Result};
use crate::model::TrafficEntry;

/// Most jobs folded into one transaction (bounds the latency of the first one).
const MAX_BATCH: usize = 512;
/// Longest a batch waits for more jobs after its first.
const LINGER: Duration = Duration::from_micros(300);
/// Jobs arriving closer together than this (on average) are a burst: the
/// batch waits for the next one (up to twice the gap) before committing.
const BUSY_GAP: Duration = Duration::from_micros(150);
/// Longest nap between two looks at the queue while a batch waits for more.
const NAP: Duration = Duration::from_micros(50);

pub(super) type Call = Box<dyn FnOnce(&mut Db) + Send>;
/// What a queued delivery's waiter gets: the result and its record back.
pub(super) type DeliveryAnswer = (Result<DeliveryStored>, Box<DeliveryRecord>);

pub(super) enum Job {
    /// The record goes back with the result, so the listener keeps its rows
    /// without copying them first (and the writer does not free them).
    Delivery(Box<DeliveryRecord>, oneshot::Sender<DeliveryAnswer>),
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
        let (tx, rx) = mpsc::channel();
        let coming = Arc::new(AtomicUsize::new(0));
        let checkpointer = match db.conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let checkpointer = Checkpointer::spawn(path)?;
                db.conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(std::io::Error::other)?;
                Some(checkpointer)
            }
            None => None,
        };
        std::thread::Builder::new().name("genesys-desk-history".into()).spawn({
            let coming = Arc::clone(&coming);
            move || run(db, &rx, &coming, limits, checkpointer)
        })?;
        Ok(WriterHandle { tx, coming })
    }
}

/// Queues work for the writer thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct WriterHandle {
    tx: mpsc::Sender<Job>,
    /// Jobs announced by [`Self::on_its_way`] and not queued yet.
    coming: Arc<AtomicUsize>,
}

/// A job that will be queued soon (see [`WriterHandle::on_its_way`]); dropping it withdraws it.
#[derive(Debug)]
pub struct OnItsWay(Arc<AtomicUsize>);

impl Drop for OnItsWay {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
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
    /// Tells the writer a job is being prepared (a webhook being checked), so
    /// a batch committing now waits a moment for it: under load one commit
    /// then holds many deliveries, instead of each few paying for the pages
    /// every commit rewrites. Hold the guard until the job is queued.
    pub fn on_its_way(&self) -> OnItsWay {
        self.coming.fetch_add(1, Ordering::AcqRel);
        OnItsWay(Arc::clone(&self.coming))
    }

    /// Stores a webhook delivery; resolves once its transaction is committed,
    /// with the record given back. `announced` (from [`Self::on_its_way`]) is
    /// released once the job is queued.
    pub async fn insert_delivery(
        &self,
        record: DeliveryRecord,
        announced: Option<OnItsWay>,
    ) -> Result<(DeliveryStored, DeliveryRecord)> {
        let (done, wait) = oneshot::channel();
        let sent = self.tx.send(Job::Delivery(Box::new(record), done));
        drop(announced);
        sent.map_err(|_| Error::WriterStopped)?;
        let (stored, record) = wait.await.map_err(|_| Error::WriterStopped)?;
        Ok((stored?, *record))
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

fn run(
    mut db: Db,
    rx: &mpsc::Receiver<Job>,
    coming: &AtomicUsize,
    limits: HistoryLimits,
    checkpointer: Option<Checkpointer>,
) {
    prune(&mut db, &limits);
    let mut pruned_at = Instant::now();
    let mut pace = Pace::default();
    while let Ok(first) = rx.recv() {
        let mut gather = Gather::new(first, rx, coming, pace.gap);
        super::batch::commit(&mut db, &mut gather);
        pace.batch(gather.taken, Instant::now());
        if let Some(checkpointer) = &checkpointer {
            checkpointer.nudge();
        }
        if pruned_at.elapsed() >= PRUNE_EVERY {
            prune(&mut db, &limits);
            pruned_at = Instant::now();
        }
    }
}

/// The jobs of one batch: `first` and everything queued behind it, up to
/// [`LINGER`] after `first` also the jobs announced as on their way and, in a
/// burst, the next ones. The batch writes each row as it is taken, so the
/// rows are written while the later ones are still on their way.
///
/// Why wait: each commit rewrites the last page of every table and index it
/// touches and every page of the log is copied and synced again by the
/// checkpoint. Five deliveries per commit wrote about 11 KB of log each,
/// sixteen about 6 KB; the log then needs a restart (which holds the writer
/// back for 10–20 ms) half as often. Alone (one request at a time) nothing waits.
///
/// Why nap instead of blocking on the channel: a receiver blocked in `recv`
/// is woken by every job sent, a futex call for the sender and a context
/// switch here per delivery under load; napping, the jobs queue up and are
/// taken together.
pub(super) struct Gather<'a> {
    first: Option<Job>,
    rx: &'a mpsc::Receiver<Job>,
    coming: &'a AtomicUsize,
    gap: Duration,
    until: Instant,
    last: Instant,
    /// Jobs handed out so far.
    pub(super) taken: usize,
}

impl<'a> Gather<'a> {
    fn new(first: Job, rx: &'a mpsc::Receiver<Job>, coming: &'a AtomicUsize, gap: Duration) -> Self {
        let now = Instant::now();
        Gather { first: Some(first), rx, coming, gap, until: now + LINGER, last: now, taken: 0 }
    }

    /// How long to wait for another job before closing the batch.
    fn patience(&self, now: Instant) -> Duration {
        if self.coming.load(Ordering::Acquire) > 0 {
            self.until.saturating_duration_since(now)
        } else if self.gap < BUSY_GAP {
            self.until.min(self.last + self.gap * 2).saturating_duration_since(now)
        } else {
            Duration::ZERO
        }
    }
}

impl Iterator for Gather<'_> {
    type Item = Job;

    fn next(&mut self) -> Option<Job> {
        if let Some(first) = self.first.take() {
            self.taken = 1;
            return Some(first);
        }
        while self.taken < MAX_BATCH {
            if let Ok(job) = self.rx.try_recv() {
                self.taken += 1;
                self.last = Instant::now();
                return Some(job);
            }
            let wait = self.patience(Instant::now());
            if wait.is_zero() {
                return None;
            }
            std::thread::sleep(wait.min(NAP));
        }
        None
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

/// The recent time between two jobs, from batch to batch.
#[derive(Debug)]
struct Pace {
    last: Instant,
    gap: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace { last: Instant::now(), gap: Duration::from_millis(1) }
    }
}

impl Pace {
    /// Notes a batch of `jobs` gathered at `now`.
    fn batch(&mut self, jobs: usize, now: Instant) {
        let this = now.duration_since(self.last) / u32::try_from(jobs.max(1)).unwrap_or(u32::MAX);
        // Half the last batch, half the ones before: a burst is seen within a few batches.
        self.gap = (self.gap + this) / 2;
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paced(jobs: usize, apart: Duration) -> Duration {
        let mut pace = Pace::default();
        let mut now = pace.last;
        for _ in 0..10 {
            now += apart;
            pace.batch(jobs, now);
        }
        pace.gap
    }

    fn call() -> Job {
        Job::Call(Box::new(|_| ()))
    }

    #[test]
    fn a_batch_takes_what_is_queued_and_does_not_wait_when_nothing_is_coming() {
        let (tx, rx) = mpsc::channel();
        let coming = AtomicUsize::new(0);
        tx.send(call()).unwrap();
        tx.send(call()).unwrap();
        let mut gather = Gather::new(call(), &rx, &coming, Duration::from_secs(1));
        assert_eq!(gather.by_ref().count(), 3);
        assert_eq!(gather.taken, 3);
        // A slow pace and nothing announced: no patience, the batch closes at once.
        assert_eq!(gather.patience(Instant::now()), Duration::ZERO);
        coming.store(1, Ordering::Release);
        assert!(gather.patience(Instant::now()) > Duration::ZERO, "a job on its way is waited for");
    }

    #[test]
    fn a_batch_waits_for_a_job_announced_as_on_its_way() {
        let (tx, rx) = mpsc::channel();
        let coming = AtomicUsize::new(1);
        let started = Instant::now();
        let mut gather = Gather::new(call(), &rx, &coming, Duration::from_secs(1));
        assert!(gather.next().is_some(), "the first job");
        std::thread::scope(|s| {
            s.spawn(|| {
                // Sent while the batch waits (its patience is LINGER, 300 µs).
                std::thread::sleep(Duration::from_micros(100));
                tx.send(call()).unwrap();
            });
            let mut taken = 1;
            while gather.next().is_some() {
                taken += 1;
            }
            // On a machine too slow to send within the linger the job is in the next batch instead.
            assert!(taken == 2 || started.elapsed() >= LINGER, "taken {taken} in {:?}", started.elapsed());
        });
    }

    #[test]
    fn batches_of_many_jobs_are_a_burst_and_single_jobs_are_not() {
        assert!(paced(10, Duration::from_millis(1)) < BUSY_GAP, "10 jobs a millisecond");
        assert!(
            paced(1, Duration::from_millis(1)) > BUSY_GAP,
            "one job a millisecond (one client waiting for each answer)"
        );
        assert!(paced(3, Duration::from_secs(1)) > BUSY_GAP, "a few jobs now and then");
    }
}
