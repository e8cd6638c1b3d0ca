//! Scenario runs in the history: each finished run's report (JSON, for the
//! app's comparison after a restart) and its customers as rows (for queries).

use std::path::PathBuf;

use rusqlite::params;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Db, Error, Result};
use crate::scenario::report::RunReport;

/// A stored run: the scenario file it came from and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub path: PathBuf,
    pub account: String,
    pub report: RunReport,
}

impl Db {
    /// Stores a finished run (a run id seen again replaces the earlier one).
    pub fn insert_run(&mut self, run: &StoredRun) -> Result<()> {
        let report = &run.report;
        let json = serde_json::to_string(report).map_err(|e| Error::Malformed(format!("run report: {e}")))?;
        let finished = OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default();
        let tx = self.conn.transaction().map_err(Error::from)?;
        tx.execute("DELETE FROM run_customers WHERE run_id = ?1", [&report.run_id]).map_err(Error::from)?;
        tx.execute(
            "INSERT OR REPLACE INTO runs (id, scenario, path, account, finished_at, took_ms, customers, passed, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                report.run_id,
                report.scenario,
                run.path.display().to_string(),
                run.account,
                finished,
                report.took.as_millis() as i64,
                report.customers.len() as i64,
                report.count("pass") as i64,
                json
            ],
        )
        .map_err(Error::from)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO run_customers (run_id, n, customer_id, outcome, reason, took_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(Error::from)?;
            for c in &report.customers {
                let (label, reason) = (c.outcome.label(), c.outcome.reason());
                insert
                    .execute(params![
                        report.run_id,
                        c.n as i64,
                        c.customer_id,
                        label,
                        reason,
                        c.took.as_millis() as i64
                    ])
                    .map_err(Error::from)?;
            }
        }
        tx.commit().map_err(|e| Error::commit(std::sync::Arc::new(e), None))
    }

    /// The newest `limit` runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<StoredRun>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, account, report FROM runs ORDER BY finished_at DESC, rowid DESC LIMIT ?1")
            .map_err(Error::from)?;
        let rows = stmt
            .query_map([limit as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(Error::from)?;
        let mut runs = Vec::new();
        for row in rows {
            let (path, account, json) = row.map_err(Error::from)?;
            let report = serde_json::from_str(&json).map_err(|e| Error::Malformed(format!("run report: {e}")))?;
            runs.push(StoredRun { path: PathBuf::from(path), account, report });
        }
        Ok(runs)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::scenario::report::{CustomerReport, Outcome, Timings};

    fn run(id: &str, outcome: Outcome) -> StoredRun {
        let customer = CustomerReport {
            n: 1,
            customer_id: format!("gd-{id}-1"),
            outcome,
            steps: Vec::new(),
            took: Duration::from_millis(1500),
            timings: Timings { first_reply: Some(Duration::from_millis(420)), ..Timings::default() },
        };
        let report = RunReport {
            scenario: "damaged".into(),
            run_id: id.into(),
            took: Duration::from_secs(2),
            customers: vec![customer],
            ..RunReport::default()
        };
        StoredRun { path: PathBuf::from("scenarios/damaged.yaml"), account: "Emulator".into(), report }
    }

    #[test]
    fn runs_come_back_whole_newest_first_with_their_customers_as_rows() {
        let mut db = Db::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let failed =
            Outcome::Fail { step: 1, name: "expect_reply".into(), expected: "a reply".into(), got: "none".into() };
        let (first, second) = (run("r1", Outcome::Pass), run("r2", failed));
        db.insert_run(&first).unwrap_or_else(|e| panic!("{e}"));
        db.insert_run(&second).unwrap_or_else(|e| panic!("{e}"));
        let runs = db.recent_runs(10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(runs, vec![second.clone(), first]);
        let reason: String = db
            .conn
            .query_row("SELECT reason FROM run_customers WHERE run_id = 'r2' AND n = 1", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reason, "step 2 (expect_reply): expected a reply; got none");
        db.insert_run(&second).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(db.recent_runs(10).unwrap_or_else(|e| panic!("{e}")).len(), 2, "the same run id replaces itself");
    }
}
