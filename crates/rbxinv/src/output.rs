//! Output formats: a table for people, JSON / JSON lines / CSV for scripts.

use std::io::{IsTerminal, Write};

use comfy_table::Table;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table (the default).
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line, written as items arrive.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// Collects (or streams) result rows.
pub struct Output {
    format: Format,
    limit: Option<usize>,
    rows: Vec<(Map<String, Value>, (usize, usize))>,
    count: usize,
    progress: Option<ProgressBar>,
}

impl Output {
    /// An output in `format` that stops after `limit` rows.
    pub fn new(format: Format, limit: Option<usize>) -> Self {
        // A spinner on stderr, only when a person is watching it.
        let progress = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} items {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Self {
            format,
            limit,
            rows: Vec::new(),
            count: 0,
            progress,
        }
    }

    /// Shows progress as done/total with rate and ETA (on a terminal).
    pub fn expect_rows(&mut self, total: u64) {
        if let Some(progress) = &self.progress {
            progress.set_length(total);
            progress.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} {per_sec} ETA {eta} ({elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    /// Whether any row was added.
    pub fn has_rows(&self) -> bool {
        self.count > 0
    }

    /// Orders the collected rows by the keys given with them.
    pub fn sort_by_key(&mut self) {
        self.rows.sort_by_key(|(_, key)| *key);
    }

    /// Adds a row; returns whether more rows are wanted.
    pub fn row(&mut self, row: Map<String, Value>) -> std::io::Result<bool> {
        self.row_keyed(row, (0, 0))
    }

    /// Adds a row with a key for [`Output::sort_by_key`].
    pub fn row_keyed(
        &mut self,
        row: Map<String, Value>,
        key: (usize, usize),
    ) -> std::io::Result<bool> {
        if self.limit.is_some_and(|limit| self.count >= limit) {
            return Ok(false);
        }
        self.count += 1;
        if let Some(progress) = &self.progress {
            progress.inc(1);
        }
        if self.format == Format::Jsonl {
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer(&mut stdout, &row)?;
            stdout.write_all(b"\n")?;
            stdout.flush()?;
        } else {
            self.rows.push((row, key));
        }
        Ok(self.limit.is_none_or(|limit| self.count < limit))
    }

    /// Prints what was collected.
    pub fn finish(self) -> std::io::Result<()> {
        if let Some(progress) = &self.progress {
            progress.finish_and_clear();
        }
        let rows: Vec<Map<String, Value>> = self.rows.into_iter().map(|(row, _)| row).collect();
        let mut stdout = std::io::stdout().lock();
        match self.format {
            Format::Jsonl => {}
            Format::Json => {
                serde_json::to_writer_pretty(&mut stdout, &rows)?;
                stdout.write_all(b"\n")?;
            }
            Format::Csv => {
                let columns = columns(&rows);
                let mut writer = csv::Writer::from_writer(&mut stdout);
                if !columns.is_empty() {
                    writer.write_record(&columns)?;
                }
                for row in &rows {
                    writer.write_record(columns.iter().map(|c| cell(row.get(c))))?;
                }
                writer.flush()?;
            }
            Format::Table => {
                if rows.is_empty() {
                    eprintln!("(no items)");
                    return Ok(());
                }
                let columns = columns(&rows);
                let mut table = Table::new();
                table.set_header(&columns);
                for row in &rows {
                    table.add_row(columns.iter().map(|c| cell(row.get(c))));
                }
                writeln!(stdout, "{table}")?;
            }
        }
        stdout.flush()
    }
}

/// Every key of every row, in first-seen order.
fn columns(rows: &[Map<String, Value>]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        for key in row.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    columns
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
