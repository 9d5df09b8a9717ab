//! Cross-crate tests live in `tests/`; this library holds what they share: the
//! workspace root, the lock on `target/drill`, and a `redis-server` of the
//! tests' own.
//!
//! Two test binaries: `all` runs with `cargo test --workspace` on a machine with
//! only cargo; `services` (`test = false`, so only when named) holds the tests
//! that need a service installed (`redis-server`) and the regeneration drill
//! (nested builds, minutes on a clean checkout). `.ci/run` installs the services
//! and runs it: `cargo test -p roblox-inventory-tests -p rbxinv --test services`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Held by the tests that build copies of the workspace into `target/drill`:
/// the copies give our crates the same cargo fingerprints, so one test's build
/// must not be taken for another's (see `xtask::drill`).
pub static DRILL_TARGET: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A `redis-server` on a unix socket in a temporary directory (no port to race
/// for, nothing saved to disk), stopped when dropped. Missing `redis-server` is
/// a failure, never a skip: CI installs it (`.ci/run`).
pub struct RedisServer {
    child: Option<Child>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one and waits until it answers `PING`.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let socket = dir.path().join("redis.sock");
        let mut server = Self {
            child: None,
            socket,
            _dir: dir,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", "0", "--unixsocket"])
            .arg(&self.socket)
            .args([
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): the shared-budget tests need it \
                     (apt-get install -y redis-server; .ci/run installs it)"
                )
            });
        self.child = Some(child);
        wait_for_ping(&self.socket);
    }

    /// `redis+unix://…` for clients.
    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket.display())
    }

    /// The keys matching `pattern` (`KEYS`: fine for a test's small server).
    pub fn keys(&self, pattern: &str) -> Vec<String> {
        let mut connection = redis::Client::open(self.url())
            .and_then(|client| client.get_connection())
            .expect("the test's redis-server answers");
        redis::cmd("KEYS")
            .arg(pattern)
            .query(&mut connection)
            .expect("KEYS answers")
    }

    /// Stops the server (SIGKILL: an outage, not a shutdown).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.socket);
    }

    /// Starts it again on the same socket (empty: Redis keeps nothing here).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

fn wait_for_ping(socket: &Path) {
    let began = Instant::now();
    let url = format!("redis+unix://{}", socket.display());
    loop {
        let ready = redis::Client::open(url.as_str())
            .and_then(|client| client.get_connection())
            .and_then(|mut connection| redis::cmd("PING").query::<String>(&mut connection));
        if ready.is_ok() {
            return;
        }
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "redis-server did not answer PING within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A command line shown in a fenced `sh` block of the README or a guide:
/// every one is run by a test or by CI (see [`documented_commands`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedCommand {
    /// Where it is shown, e.g. `docs/cli.md:12`.
    pub place: String,
    /// The command as a shell reads it (continuation lines joined, the comment
    /// after it dropped).
    pub line: String,
    /// The comment after it, if any (`# true`: what it prints).
    pub comment: Option<String>,
}

impl DocumentedCommand {
    /// Its words, split as a shell would; `None` if a quote is left open.
    pub fn words(&self) -> Option<Vec<String>> {
        shlex::split(&self.line)
    }

    /// The arguments after `prefix` (e.g. `cargo run -p rbxinv --`), if the
    /// command starts with it.
    pub fn args_after(&self, prefix: &str) -> Option<Vec<String>> {
        let words = self.words()?;
        let prefix: Vec<&str> = prefix.split_whitespace().collect();
        (words.len() >= prefix.len() && words.iter().zip(&prefix).all(|(w, p)| w == p))
            .then(|| words[prefix.len()..].to_vec())
    }
}

/// The README and every guide under `docs/`, in a stable order.
pub fn documented_pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .collect()
        })
        .unwrap_or_default();
    guides.sort();
    pages.extend(guides);
    pages
}

/// Every command line in a fenced `sh` block of [`documented_pages`].
pub fn documented_commands() -> Vec<DocumentedCommand> {
    let mut commands = Vec::new();
    for page in documented_pages() {
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let name = page
            .strip_prefix(root())
            .unwrap_or(&page)
            .display()
            .to_string();
        commands.extend(commands_in(&name, &text));
    }
    commands
}

/// The command lines of the `sh` blocks in one page's `text`.
pub fn commands_in(name: &str, text: &str) -> Vec<DocumentedCommand> {
    let mut commands = Vec::new();
    let mut in_shell = false;
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            in_shell = !in_shell && info.trim() == "sh";
            continue;
        }
        if !in_shell || (trimmed.is_empty() && pending.is_none()) {
            continue;
        }
        let (start, mut line) = pending.take().unwrap_or((index + 1, String::new()));
        if let Some(continued) = trimmed.strip_suffix('\\') {
            line.push_str(continued);
            pending = Some((start, line));
            continue;
        }
        line.push_str(trimmed);
        let (line, comment) = match line.find("  #") {
            Some(at) => (
                line[..at].trim_end().to_string(),
                Some(line[at..].trim_start_matches([' ', '#']).trim().to_string()),
            ),
            None => (line, None),
        };
        commands.push(DocumentedCommand {
            place: format!("{name}:{start}"),
            line,
            comment,
        });
    }
    commands
}

/// The Rust snippets of the README and the guides, compiled (and the ones
/// without `no_run`, run) by `cargo test` as doctests of this crate.
#[cfg(doctest)]
mod documented {
    #[doc = include_str!("../../README.md")]
    struct Readme;
    #[doc = include_str!("../../docs/cli.md")]
    struct Cli;
    #[doc = include_str!("../../docs/fleets.md")]
    struct Fleets;
    #[doc = include_str!("../../docs/oauth.md")]
    struct OAuth;
    #[doc = include_str!("../../docs/ownership-and-limits.md")]
    struct OwnershipAndLimits;
    #[doc = include_str!("../../docs/regeneration.md")]
    struct Regeneration;
    #[doc = include_str!("../../docs/sandbox.md")]
    struct SandboxGuide;
    #[doc = include_str!("../../docs/spec.md")]
    struct Spec;
    #[doc = include_str!("../../docs/tracking.md")]
    struct Tracking;
}

/// A PostgreSQL server of the tests' own: a cluster made with `initdb` in a
/// temporary directory, listening only on a unix socket there, with `fsync`
/// off, stopped when dropped. As root it runs as the `postgres` system user
/// (PostgreSQL refuses root). Missing binaries are a failure, never a skip:
/// CI installs them (`.ci/run`).
pub struct PostgresServer {
    child: Option<Child>,
    bin: PathBuf,
    data: PathBuf,
    socket_dir: PathBuf,
    as_postgres: bool,
    databases: std::sync::atomic::AtomicU32,
    _dir: tempfile::TempDir,
}

impl PostgresServer {
    /// Starts one and waits until it accepts connections.
    pub fn start() -> Self {
        let bin = postgres_bin();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let data = dir.path().join("data");
        let socket_dir = dir.path().to_path_buf();
        let as_postgres = is_root();
        if as_postgres {
            let chowned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                chowned.success(),
                "chown the cluster's directory to postgres"
            );
        }
        let mut server = Self {
            child: None,
            bin,
            data,
            socket_dir,
            as_postgres,
            databases: std::sync::atomic::AtomicU32::new(0),
            _dir: dir,
        };
        let initdb = server
            .command("initdb")
            .arg("-D")
            .arg(&server.data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(initdb.success(), "initdb failed");
        let child = server
            .command("postgres")
            .arg("-D")
            .arg(&server.data)
            .arg("-k")
            .arg(&server.socket_dir)
            .args(["-c", "listen_addresses=", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=200"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        server.child = Some(child);
        let began = Instant::now();
        loop {
            let ready = server
                .command("pg_isready")
                .arg("-h")
                .arg(&server.socket_dir)
                .args(["-U", "postgres", "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "postgres did not accept connections within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// A URL for the `postgres` database.
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// A new, empty database on this server; its URL.
    pub fn fresh_database(&self) -> String {
        let n = self
            .databases
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("test_{n}");
        let created = self
            .command("createdb")
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-U", "postgres", &name])
            .status()
            .expect("createdb runs");
        assert!(created.success(), "createdb {name}");
        self.url_for(&name)
    }

    fn url_for(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// One of the cluster's binaries, as the `postgres` user when root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Where PostgreSQL's binaries are: the directory of `initdb` on PATH, else the
/// newest `/usr/lib/postgresql/*/bin` (Debian's layout).
fn postgres_bin() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("initdb"))
            .find(|initdb| initdb.exists())
            .and_then(|initdb| std::fs::canonicalize(initdb).ok())
            .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
    });
    let debian = || {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .collect();
        versions.sort();
        versions.pop()
    };
    on_path.or_else(debian).unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: the store's tests need it \
             (apt-get install -y postgresql; .ci/run installs it)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// What a tracker of some users' collectibles must report as a sandbox's world
/// changes, computed from the world alone: the truth the tracked changes are
/// compared with. Each user's visibility and the copies last seen while
/// visible are kept, as a tracker keeps them.
pub struct CollectibleTruth {
    /// Per tracked user: visible now, and the copies when last visible (none
    /// yet when the first look found the inventory private).
    users: std::collections::BTreeMap<u64, (bool, Option<std::collections::BTreeSet<u64>>)>,
}

impl CollectibleTruth {
    /// The baseline: `tracked` users as `world` has them (nothing to report).
    pub fn baseline(tracked: &[u64], world: &roblox_inventory_sandbox::World) -> Self {
        let mut first = Self::seen(world, tracked);
        let users = tracked
            .iter()
            .map(|user| {
                let (public, copies) = first.remove(user).unwrap_or_default();
                (*user, (public, public.then_some(copies)))
            })
            .collect();
        Self { users }
    }

    /// Each tracked user's visibility and Limited copies in `world`.
    fn seen(
        world: &roblox_inventory_sandbox::World,
        tracked: &[u64],
    ) -> std::collections::HashMap<u64, (bool, std::collections::BTreeSet<u64>)> {
        let limited: std::collections::HashSet<u64> = world
            .assets
            .iter()
            .filter(|a| a.limited)
            .map(|a| a.id)
            .collect();
        let tracked: std::collections::HashSet<u64> = tracked.iter().copied().collect();
        world
            .users
            .iter()
            .filter(|u| tracked.contains(&u.id))
            .map(|u| {
                let copies = u
                    .assets
                    .iter()
                    .filter(|held| limited.contains(&held.asset_id))
                    .map(|held| held.user_asset_id)
                    .collect();
                (u.id, (u.inventory_public, copies))
            })
            .collect()
    }

    /// The changes to report when every tracked user is observed in `world`,
    /// one line each ([`change_line`]): `gained`/`lost` with the copy,
    /// `became-private` (no losses: a private inventory is not an empty one),
    /// `became-visible` then the difference from the copies last seen (none
    /// after a first look at a private inventory: the first visible look is
    /// the baseline).
    pub fn observe(
        &mut self,
        world: &roblox_inventory_sandbox::World,
    ) -> std::collections::BTreeSet<String> {
        let tracked: Vec<u64> = self.users.keys().copied().collect();
        let mut now = Self::seen(world, &tracked);
        let mut expected = std::collections::BTreeSet::new();
        for (user, (visible, last)) in self.users.iter_mut() {
            let (public, copies) = now.remove(user).unwrap_or_default();
            match (*visible, public) {
                (true, false) => {
                    expected.insert(change_line(*user, "became-private", None));
                }
                (false, true) => {
                    expected.insert(change_line(*user, "became-visible", None));
                }
                _ => {}
            }
            *visible = public;
            if public {
                if let Some(last) = last.as_ref() {
                    for lost in last.difference(&copies) {
                        expected.insert(change_line(*user, "lost", Some(*lost)));
                    }
                    for gained in copies.difference(last) {
                        expected.insert(change_line(*user, "gained", Some(*gained)));
                    }
                }
                *last = Some(copies);
            }
        }
        expected
    }
}

/// One line of [`CollectibleTruth::observe`].
pub fn change_line(user: u64, change: &str, copy: Option<u64>) -> String {
    match copy {
        Some(copy) => format!("{user} {change} {copy}"),
        None => format!("{user} {change}"),
    }
}
