//! Traffic in bulk: rows imported from a HAR file written in one
//! transaction, and the whole history read row by row for an export (one
//! statement, oldest first, never the whole table in memory).

use rusqlite::types::Value;

use super::queries::{TRAFFIC_COLUMNS, insert_traffic_row, traffic_from_row, traffic_from_values, traffic_where};
use super::{Db, Result};
use crate::model::TrafficEntry;
use crate::model::traffic::TrafficFilter;

impl Db {
    /// Stores `entries` in one transaction; returns their row ids in order.
    pub fn insert_traffic_batch(&mut self, entries: &[TrafficEntry]) -> Result<Vec<i64>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ids = entries.iter().map(|e| insert_traffic_row(&tx, e, None, None)).collect::<Result<Vec<i64>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    /// Calls `each` with every row matching `filter`, oldest first; returns how many.
    /// An error from `each` stops the walk and is returned.
    pub fn for_each_traffic<E: From<super::Error>>(
        &self,
        filter: &TrafficFilter,
        mut each: impl FnMut(TrafficEntry) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let (where_sql, args): (String, Vec<Value>) = traffic_where(filter);
        let sql = format!("SELECT {TRAFFIC_COLUMNS} FROM traffic{where_sql} ORDER BY at_ms, id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| E::from(e.into()))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(|e| E::from(e.into()))?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(|e| E::from(e.into()))? {
            let values = traffic_from_row(row).map_err(|e| E::from(e.into()))?;
            each(traffic_from_values(values).map_err(E::from)?)?;
            count += 1;
        }
        Ok(count)
    }
}
