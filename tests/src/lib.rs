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
