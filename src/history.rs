//! Run history in SQLite: every audit's metadata, scores and findings, so scheduled runs
//! can be listed, shown and diffed.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::report::Report;

#[derive(Debug, thiserror::Error)]
#[error("history database {path}: {message}")]
pub struct HistoryError {
    pub path: String,
    pub message: String,
}

#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started: String,
    pub finished: String,
    pub caller: String,
    pub accounts: usize,
    pub score: Option<u32>,
    pub fail: usize,
    pub unknown: usize,
    pub pass: usize,
    pub partial: bool,
}

impl History {
    /// Open a database that must already exist (for reading: `history list|show`, `diff`):
    /// a mistyped path is an error, not a new empty database.
    pub fn open_existing(path: &str) -> Result<History, HistoryError> {
        if !std::path::Path::new(path).is_file() {
            return Err(HistoryError {
                path: path.into(),
                message: "the history database does not exist".into(),
            });
        }
        History::open(path)
    }

    /// Open the database, creating it if needed (for recording a run).
    pub fn open(path: &str) -> Result<History, HistoryError> {
        let err = |e: rusqlite::Error| HistoryError {
            path: path.into(),
            message: e.to_string(),
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                started TEXT NOT NULL, finished TEXT NOT NULL, caller TEXT NOT NULL,
                accounts INTEGER NOT NULL, score INTEGER, fail INTEGER NOT NULL,
                unknown INTEGER NOT NULL, pass INTEGER NOT NULL, partial INTEGER NOT NULL,
                report TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS findings (
                run_id INTEGER NOT NULL REFERENCES runs(id), id TEXT NOT NULL,
                check_code TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
                account TEXT NOT NULL, region TEXT, resource TEXT NOT NULL, message TEXT NOT NULL,
                PRIMARY KEY (run_id, id));",
        )
        .map_err(err)?;
        Ok(History {
            conn,
            path: path.into(),
        })
    }

    fn err(&self, e: impl std::fmt::Display) -> HistoryError {
        HistoryError {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Record a run; returns its id.
    pub fn record(&mut self, r: &Report) -> Result<i64, HistoryError> {
        let json = serde_json::to_string(r).map_err(|e| self.err(e))?;
        let tx = self.conn.transaction().map_err(|e| HistoryError {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO runs (started, finished, caller, accounts, score, fail, unknown, pass, partial, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                r.run.started,
                r.run.finished,
                r.run.caller,
                r.run.accounts.len() as i64,
                r.scores.overall.map(i64::from),
                r.summary.fail as i64,
                r.summary.unknown as i64,
                r.summary.pass as i64,
                r.run.partial,
                json
            ],
        )
        .map_err(|e| HistoryError {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        let id = tx.last_insert_rowid();
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO findings (run_id, id, check_code, status, severity, account, region, resource, message)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(|e| HistoryError {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            for f in &r.findings {
                st.execute(params![
                    id,
                    f.id,
                    f.check,
                    f.status.as_str(),
                    f.severity.as_str(),
                    f.account,
                    f.region,
                    f.resource,
                    f.message
                ])
                .map_err(|e| HistoryError {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        tx.commit().map_err(|e| HistoryError {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        Ok(id)
    }

    pub fn list(&self) -> Result<Vec<RunRow>, HistoryError> {
        let mut st = self
            .conn
            .prepare("SELECT id, started, finished, caller, accounts, score, fail, unknown, pass, partial FROM runs ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |row| {
                Ok(RunRow {
                    id: row.get(0)?,
                    started: row.get(1)?,
                    finished: row.get(2)?,
                    caller: row.get(3)?,
                    accounts: row.get::<_, i64>(4)? as usize,
                    score: row.get::<_, Option<i64>>(5)?.map(|s| s as u32),
                    fail: row.get::<_, i64>(6)? as usize,
                    unknown: row.get::<_, i64>(7)? as usize,
                    pass: row.get::<_, i64>(8)? as usize,
                    partial: row.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The stored report of a run.
    pub fn report(&self, id: i64) -> Result<Option<Report>, HistoryError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT report FROM runs WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.err(e)))
            .transpose()
    }

    /// The id of the newest run before `id` (or the newest run when `id` is None).
    pub fn previous(&self, id: Option<i64>) -> Result<Option<i64>, HistoryError> {
        let q = match id {
            Some(_) => "SELECT max(id) FROM runs WHERE id < ?1",
            None => "SELECT max(id) FROM runs WHERE ?1 IS NULL OR 1",
        };
        self.conn
            .query_row(q, [id], |r| r.get::<_, Option<i64>>(0))
            .map_err(|e| self.err(e))
    }
}
