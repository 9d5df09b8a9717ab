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
///
/// Every row of a command has the same columns, in the same order, whatever
/// happened (a column without a value is `null` in JSON, empty in CSV and the
/// table), so scripts can rely on them: each command states its columns
/// (`docs/cli.md` lists them). JSON lines and CSV rows are written as they
/// arrive; the table and the JSON array when the command ends (in input order).
pub struct Output {
    format: Format,
    limit: Option<usize>,
    columns: &'static [&'static str],
    rows: Vec<(Vec<Value>, (usize, usize))>,
    count: usize,
    progress: Option<ProgressBar>,
    /// The CSV header has been written.
    csv_started: bool,
}

impl Output {
    /// An output in `format` with `columns` that stops after `limit` rows.
    pub fn new(format: Format, limit: Option<usize>, columns: &'static [&'static str]) -> Self {
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
            columns,
            rows: Vec::new(),
            count: 0,
            progress,
            csv_started: false,
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
        mut row: Map<String, Value>,
        key: (usize, usize),
    ) -> std::io::Result<bool> {
        if self.limit.is_some_and(|limit| self.count >= limit) {
            return Ok(false);
        }
        let cells: Vec<Value> = self
            .columns
            .iter()
            .map(|column| row.remove(*column).unwrap_or(Value::Null))
            .collect();
        debug_assert!(row.is_empty(), "columns not declared: {row:?}");
        self.count += 1;
        if let Some(progress) = &self.progress {
            progress.inc(1);
        }
        match self.format {
            Format::Jsonl => {
                let mut stdout = std::io::stdout().lock();
                serde_json::to_writer(&mut stdout, &self.object(cells))?;
                stdout.write_all(b"\n")?;
                stdout.flush()?;
            }
            Format::Csv => {
                self.start_csv()?;
                let mut stdout = std::io::stdout().lock();
                let mut writer = csv::Writer::from_writer(&mut stdout);
                writer.write_record(cells.iter().map(cell))?;
                writer.flush()?;
            }
            Format::Json | Format::Table => self.rows.push((cells, key)),
        }
        Ok(self.limit.is_none_or(|limit| self.count < limit))
    }

    /// Writes the CSV header, once: with the first row, or at the end when
    /// there was none (a header alone says "nothing", not "broken").
    fn start_csv(&mut self) -> std::io::Result<()> {
        if self.csv_started {
            return Ok(());
        }
        self.csv_started = true;
        let mut stdout = std::io::stdout().lock();
        let mut writer = csv::Writer::from_writer(&mut stdout);
        writer.write_record(self.columns)?;
        writer.flush()
    }

    /// A row as a JSON object with the columns in order.
    fn object(&self, cells: Vec<Value>) -> Map<String, Value> {
        self.columns
            .iter()
            .map(|column| column.to_string())
            .zip(cells)
            .collect()
    }

    /// Prints what was collected.
    pub fn finish(mut self) -> std::io::Result<()> {
        if let Some(progress) = &self.progress {
            progress.finish_and_clear();
        }
        if self.columns.is_empty() {
            // A command that prints no rows (`track`).
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let mut stdout = std::io::stdout().lock();
        match self.format {
            Format::Jsonl => {}
            Format::Csv => {
                drop(stdout);
                return self.start_csv();
            }
            Format::Json => {
                let rows: Vec<Map<String, Value>> = rows
                    .into_iter()
                    .map(|(cells, _)| self.object(cells))
                    .collect();
                serde_json::to_writer_pretty(&mut stdout, &rows)?;
                stdout.write_all(b"\n")?;
            }
            Format::Table => {
                if rows.is_empty() {
                    eprintln!("(no items)");
                    return Ok(());
                }
                let mut table = Table::new();
                table.set_header(self.columns);
                for (cells, _) in &rows {
                    table.add_row(cells.iter().map(cell));
                }
                writeln!(stdout, "{table}")?;
            }
        }
        stdout.flush()
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
