//! Opening the database and migrating its schema.

use std::path::Path;

use rusqlite::Connection;

use super::{Error, Result};

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 5;

/// Migrations in order: entry `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: [&str; 5] = [
    r#"
CREATE TABLE traffic (
    id               INTEGER PRIMARY KEY,
    at               TEXT    NOT NULL,
    at_ms            INTEGER NOT NULL,
    direction        TEXT    NOT NULL,
    account          TEXT    NOT NULL,
    method           TEXT    NOT NULL,
    url              TEXT    NOT NULL,
    status           INTEGER,
    latency_ms       INTEGER,
    verdict          TEXT,
    explanation      TEXT,
    correlation_id   TEXT,
    request_headers  TEXT    NOT NULL,
    request_body     TEXT    NOT NULL,
    response_headers TEXT    NOT NULL,
    response_body    TEXT    NOT NULL,
    error            TEXT,
    -- webhook de-duplication: payload id + channel.time, and which attempt this row is
    delivery_key     TEXT,
    attempt          INTEGER
);
CREATE INDEX traffic_at ON traffic (at_ms);
CREATE INDEX traffic_delivery ON traffic (account, delivery_key);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    account         TEXT    NOT NULL,
    customer_id     TEXT    NOT NULL,
    conversation_id TEXT,
    genesys_id      TEXT,
    sender          TEXT    NOT NULL,
    sender_name     TEXT,
    kind            TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    attachments     TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    at_ms           INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    raw             TEXT,
    delivery_key    TEXT,
    is_read         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_thread ON messages (account, customer_id, at_ms);
CREATE INDEX messages_genesys ON messages (genesys_id);
-- one chat message per webhook delivery, however often Genesys retries it
CREATE UNIQUE INDEX messages_delivery ON messages (account, delivery_key) WHERE delivery_key IS NOT NULL;

CREATE TABLE media (
    id         TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#,
    r#"
-- the newest attempt of a delivery in one index lookup (MAX over the last column)
DROP INDEX traffic_delivery;
CREATE INDEX traffic_delivery ON traffic (account, delivery_key, attempt);
-- delivery keys were `id|time`, now `time|id` (the time never holds a `|`; Genesys message ids are hex)
UPDATE traffic SET delivery_key = substr(delivery_key, instr(delivery_key, '|') + 1) || '|'
    || substr(delivery_key, 1, instr(delivery_key, '|') - 1) WHERE instr(delivery_key, '|') > 0;
UPDATE messages SET delivery_key = substr(delivery_key, instr(delivery_key, '|') + 1) || '|'
    || substr(delivery_key, 1, instr(delivery_key, '|') - 1) WHERE instr(delivery_key, '|') > 0;
"#,
    r#"
-- only our (customer) messages are looked up by Genesys id (receipts); agent
-- messages, random ids arriving fast, no longer each write a random index page
DROP INDEX messages_genesys;
CREATE INDEX messages_genesys ON messages (genesys_id) WHERE sender = 'customer';
"#,
    r#"
-- scenario runs: the whole report as JSON, and one row per simulated customer
CREATE TABLE runs (
    id          TEXT    PRIMARY KEY,
    scenario    TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    account     TEXT    NOT NULL,
    finished_at TEXT    NOT NULL,
    took_ms     INTEGER NOT NULL,
    customers   INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    report      TEXT    NOT NULL
);
CREATE TABLE run_customers (
    run_id      TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    customer_id TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    took_ms     INTEGER NOT NULL,
    PRIMARY KEY (run_id, n)
);
"#,
    r#"
-- latencies in microseconds (loopback calls mostly take under a millisecond);
-- older rows keep their whole milliseconds in latency_ms
ALTER TABLE traffic ADD COLUMN latency_us INTEGER;
-- rows read from a HAR file: shown marked "imported"
ALTER TABLE traffic ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
"#,
];

/// One connection to the history database.
pub struct Db {
    pub(crate) conn: Connection,
    /// Where the history cap's scans by age and by size go on from.
    pub(super) prune_cursors: (super::prune::Cursor, super::prune::Cursor),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.conn.path()).finish()
    }
}

/// Creates `dir` (and its missing parents) readable by the user only (0700 on Unix),
/// like the config folder: the history holds customer messages and signed bodies.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        // `mode` is filtered by the umask and ignored for an existing folder.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Makes the database file 0600 (creating it empty if missing), and its `-wal`
/// and `-shm` files when they exist. SQLite creates the `-wal` and `-shm` files
/// with the permissions of the database file (`robust_open` / `findCreateFileMode`
/// in https://sqlite.org/src/file/src/os_unix.c), so they follow once it is 0600.
fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            if suffix.is_empty() || file.exists() {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// SQLite's busy callback: `true` retries after the 1 ms sleep, `false` gives up with SQLITE_BUSY.
fn retry_for_five_seconds(attempt: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_millis(1));
    attempt < 5_000
}

impl Db {
    /// Opens (creating the file and its folder if needed) and migrates the database.
    pub fn open(path: &Path) -> Result<Db> {
        let open_err = |source| Error::Open { path: path.display().to_string(), source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            create_private_dir(parent)
                .map_err(|source| Error::CreateDir { path: parent.display().to_string(), source })?;
        }
        make_private(path).map_err(|source| Error::Private { path: path.display().to_string(), source })?;
        let conn = Connection::open(path).map_err(open_err)?;
        // WAL lets readers (the GUI) run while the writer commits; NORMAL sync in WAL
        // mode keeps every commit across a process kill (only power loss can drop the
        // last commits), which is the guarantee the listener's 200 promises.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_err)?;
        Self::prepare(conn).map_err(|e| match e {
            Error::Sql(source) => Error::Open { path: path.display().to_string(), source },
            other => other.at_path(Some(&path.display().to_string())),
        })
    }

    /// A private in-memory database (tests, throwaway sessions).
    pub fn open_in_memory() -> Result<Db> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Db> {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 4 MiB of pages (SQLite's default is 2 MiB). Not more: after a page
        // split SQLite's cache has seen a page number past the file's end
        // (balance_nonroot renumbers pages through the one after the lock-byte
        // page), and every commit then walks the whole cache to drop pages past
        // the end: with 32 MiB that walk was a fifteenth of the writer's time.
        // A retry's lookup that misses reads the page from the OS's file cache.
        conn.pragma_update(None, "cache_size", -4_096)?;
        // Plans chosen once per statement: otherwise SQLite (built with STAT4)
        // recompiles a cached statement whenever a value bound to an indexed
        // column changes (https://sqlite.org/c3ref/prepare.html, "WHERE clause
        // parameter"), i.e. for every delivery's attempt lookup. The schema has
        // one index per lookup and no statistics, so the plans do not change.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        // Readers in other processes may hold the WAL briefly; wait instead of failing.
        // Retried every millisecond (for up to 5 s), not SQLite's default of
        // ever longer sleeps: a checkpoint holds the writer back for a few
        // milliseconds, and the writer should go on as soon as it is done.
        conn.busy_handler(Some(retry_for_five_seconds))?;
        let mut db = Db { conn, prune_cursors: (super::prune::START, super::prune::START) };
        db.migrate()?;
        Ok(db)
    }

    /// The schema version stored in the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Applies the missing migrations, each in its own transaction. Idempotent.
    fn migrate(&mut self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(Error::TooNew { found, known: SCHEMA_VERSION });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (index + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }
}
