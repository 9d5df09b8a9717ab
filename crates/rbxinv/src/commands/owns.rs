//! `rbxinv owns`: many users × many items, one row per answer.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use futures_util::StreamExt;
use roblox_inventory::{Client, Item, OwnershipAnswer};
use serde_json::{json, Map, Value};

use crate::output::Output;
use crate::Failure;

/// A row of `owns`: `owned` is empty and `error` says why when a check failed: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["user", "kind", "id", "owned", "error"];

/// Item kinds as written on the command line and in `--items-file`.
const KINDS: [&str; 5] = ["asset", "game-pass", "badge", "bundle", "private-server"];

/// The kind name and id of an item.
pub(crate) fn kind_and_id(item: Item) -> (&'static str, u64) {
    match item {
        Item::Asset(id) => (KINDS[0], id),
        Item::GamePass(id) => (KINDS[1], id),
        Item::Badge(id) => (KINDS[2], id),
        Item::Bundle(id) => (KINDS[3], id),
        Item::PrivateServer(id) => (KINDS[4], id),
    }
}

fn item_of(kind: &str, id: u64) -> Option<Item> {
    Some(match kind {
        "asset" => Item::Asset(id),
        "game-pass" => Item::GamePass(id),
        "badge" => Item::Badge(id),
        "bundle" => Item::Bundle(id),
        "private-server" => Item::PrivateServer(id),
        _ => return None,
    })
}

/// Who and what to check.
#[derive(Debug, Args)]
pub(crate) struct OwnsArgs {
    /// User ids; `-` reads ids from standard input, one a line.
    #[arg(value_name = "USER")]
    users: Vec<String>,
    /// A file of user ids, one a line.
    #[arg(long, value_name = "FILE")]
    users_file: Option<PathBuf>,
    /// Asset ids (repeat the flag or separate with commas).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    asset: Vec<u64>,
    /// Game pass ids.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    game_pass: Vec<u64>,
    /// Badge ids.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    badge: Vec<u64>,
    /// Bundle ids.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    bundle: Vec<u64>,
    /// Private server ids (needs Open Cloud with the Inventory read permission).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    private_server: Vec<u64>,
    /// A file of items, one `KIND ID` a line; KIND is asset, game-pass, badge,
    /// bundle or private-server.
    #[arg(long, value_name = "FILE")]
    items_file: Option<PathBuf>,
    /// Requests in flight per host at most (default 32); the rate limits decide
    /// when each may go.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: Option<u16>,
}

fn read_lines(name: &str, reader: impl BufRead) -> Result<Vec<(usize, String)>, Failure> {
    let mut lines = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read {name}: {e}"))?;
        let line = line.trim();
        if !line.is_empty() {
            lines.push((n + 1, line.to_string()));
        }
    }
    Ok(lines)
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, Failure> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

fn user_id(text: &str, place: &str) -> Result<u64, Failure> {
    text.parse::<u64>()
        .map_err(|_| format!("{place}: `{text}` is not a user id").into())
}

impl OwnsArgs {
    /// The users, in order: positional ids (`-` for standard input), then the file.
    fn users(&self) -> Result<Vec<u64>, Failure> {
        let mut users = Vec::new();
        for given in &self.users {
            if given == "-" {
                for (n, line) in read_lines("standard input", std::io::stdin().lock())? {
                    users.push(user_id(&line, &format!("standard input line {n}"))?);
                }
            } else {
                users.push(user_id(given, "USER")?);
            }
        }
        if let Some(path) = &self.users_file {
            for (n, line) in read_lines(&path.display().to_string(), open(path)?)? {
                users.push(user_id(&line, &format!("{} line {n}", path.display()))?);
            }
        }
        if users.is_empty() {
            return Err(
                "give at least one user id (USER, `-` for standard input, or --users-file)"
                    .to_string()
                    .into(),
            );
        }
        Ok(users)
    }

    /// The items, in order: the flags, then the file.
    fn items(&self) -> Result<Vec<Item>, Failure> {
        let mut items: Vec<Item> = Vec::new();
        for (ids, make) in [
            (&self.asset, Item::Asset as fn(u64) -> Item),
            (&self.game_pass, Item::GamePass),
            (&self.badge, Item::Badge),
            (&self.bundle, Item::Bundle),
            (&self.private_server, Item::PrivateServer),
        ] {
            items.extend(ids.iter().map(|id| make(*id)));
        }
        if let Some(path) = &self.items_file {
            for (n, line) in read_lines(&path.display().to_string(), open(path)?)? {
                let place = format!("{} line {n}", path.display());
                let mut words = line.split_whitespace();
                let (Some(kind), Some(id), None) = (words.next(), words.next(), words.next())
                else {
                    return Err(format!("{place}: expected `KIND ID`, found `{line}`").into());
                };
                let id = id
                    .parse::<u64>()
                    .map_err(|_| format!("{place}: `{id}` is not an id"))?;
                let item = item_of(kind, id).ok_or_else(|| {
                    format!("{place}: `{kind}` is not a kind ({})", KINDS.join(", "))
                })?;
                items.push(item);
            }
        }
        if items.is_empty() {
            return Err(
                "give at least one item (--asset, --game-pass, --badge, --bundle, \
                 --private-server or --items-file)"
                    .to_string()
                    .into(),
            );
        }
        Ok(items)
    }
}

fn row(answer: &OwnershipAnswer) -> Map<String, Value> {
    let (kind, id) = kind_and_id(answer.item);
    let value = match &answer.owned {
        Ok(owned) => {
            json!({"user": answer.user_id, "kind": kind, "id": id, "owned": owned, "error": null})
        }
        Err(error) => {
            // The command line's words, without the hints (a row is one cell).
            let error = crate::hints::explain(error, &crate::hints::Context::default()).error;
            json!({"user": answer.user_id, "kind": kind, "id": id, "owned": null, "error": error})
        }
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Checks every user against every item; exit 0 if all are owned, 1 if any is
/// not, 2 if any answer is an error.
pub(crate) async fn run(
    client: &Client,
    args: OwnsArgs,
    out: &mut Output,
) -> Result<ExitCode, Failure> {
    let users = args.users()?;
    let items = args.items()?;
    let distinct: Vec<Item> = {
        let mut seen = std::collections::HashSet::new();
        items.into_iter().filter(|i| seen.insert(*i)).collect()
    };
    let total = (users.len() * distinct.len()) as u64;
    out.expect_rows(total);
    let started = Instant::now();
    let (mut owned, mut not_owned, mut errors) = (0u64, 0u64, 0u64);
    let order = |list: &[u64]| -> std::collections::HashMap<u64, usize> {
        let mut at = std::collections::HashMap::new();
        for (i, v) in list.iter().enumerate() {
            at.entry(*v).or_insert(i);
        }
        at
    };
    let user_at = order(&users);
    let item_at: std::collections::HashMap<Item, usize> = distinct
        .iter()
        .enumerate()
        .map(|(i, item)| (*item, i))
        .collect();
    let mut check = client.ownership(users, &distinct);
    if let Some(requests) = args.concurrency {
        check = check.concurrency(usize::from(requests));
    }
    let mut answers = check.answers();
    while let Some(answer) = answers.next().await {
        match answer.owned {
            Ok(true) => owned += 1,
            Ok(false) => not_owned += 1,
            Err(_) => errors += 1,
        }
        let key = (
            user_at.get(&answer.user_id).copied().unwrap_or(usize::MAX),
            item_at.get(&answer.item).copied().unwrap_or(usize::MAX),
        );
        if !out.row_keyed(row(&answer), key)? {
            break;
        }
    }
    // Printed at the end (all formats but JSON lines): in the order asked.
    out.sort_by_key();
    eprintln!(
        "{} checked in {:.1} s: {owned} owned, {not_owned} not owned, {errors} failed",
        owned + not_owned + errors,
        started.elapsed().as_secs_f64()
    );
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if not_owned > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
