//! The `rbxinv` binary against its embedded sandbox: every subcommand, every
//! output format, exit statuses and error lines.

use std::process::{Command, Output};

fn rbxinv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(args)
        .env_remove("ROBLOX_API_KEY")
        .env_remove("ROBLOX_OAUTH_TOKEN")
        .env_remove("ROBLOSECURITY")
        // Help text wraps to the terminal; pin the width so snapshots are stable.
        .env("COLUMNS", "100")
        .output()
        .expect("rbxinv runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn rbxinv_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(args)
        .env_remove("ROBLOX_API_KEY")
        .env_remove("ROBLOX_OAUTH_TOKEN")
        .env_remove("ROBLOSECURITY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rbxinv runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("rbxinv ends")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn owns_answers_with_its_exit_status() {
    let owned = rbxinv(&["--sandbox", "owns", "156", "--game-pass", "1111"]);
    assert_eq!(owned.status.code(), Some(0), "{}", stderr(&owned));
    let not_owned = rbxinv(&["--sandbox", "owns", "261", "--game-pass", "1111"]);
    assert_eq!(not_owned.status.code(), Some(1));
    // A failed check is a row with an error column; the summary is one line on stderr.
    let error = rbxinv(&["--sandbox", "--csv", "owns", "156", "--bundle", "999"]);
    assert_eq!(error.status.code(), Some(2));
    assert_eq!(
        stdout(&error),
        "user,kind,id,owned,error\n156,bundle,999,,\"Roblox refused the request: HTTP 400, code 12: The specified bundle does not exist!\"\n"
    );
    assert_eq!(stderr(&error).lines().count(), 1, "{}", stderr(&error));
    assert!(stderr(&error).contains("1 failed"), "{}", stderr(&error));
    insta::assert_snapshot!("owns_table", stdout(&owned));
    insta::assert_snapshot!(
        "owns_json",
        stdout(&rbxinv(&[
            "--sandbox",
            "--json",
            "owns",
            "156",
            "--badge",
            "2124445684"
        ]))
    );
    assert_eq!(
        rbxinv(&["--sandbox", "owns", "156", "--private-server", "90001"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn output_formats() {
    let table = rbxinv(&["--sandbox", "collectibles", "156"]);
    insta::assert_snapshot!("collectibles_table", stdout(&table));
    insta::assert_snapshot!(
        "collectibles_json",
        stdout(&rbxinv(&["--sandbox", "--json", "collectibles", "156"]))
    );
    insta::assert_snapshot!(
        "collectibles_csv",
        stdout(&rbxinv(&[
            "--sandbox",
            "--csv",
            "collectibles",
            "156",
            "--sort",
            "desc"
        ]))
    );
    let jsonl = stdout(&rbxinv(&["--sandbox", "--jsonl", "items", "156"]));
    assert_eq!(jsonl.lines().count(), 13);
    for line in jsonl.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
    }
    let limited = stdout(&rbxinv(&[
        "--sandbox",
        "--jsonl",
        "--limit",
        "3",
        "items",
        "156",
    ]));
    assert_eq!(limited.lines().count(), 3);
    let both = rbxinv(&["--sandbox", "--json", "--csv", "categories", "1"]);
    assert_eq!(both.status.code(), Some(2), "formats are exclusive");
}

#[test]
fn every_subcommand_works_on_the_sandbox() {
    let run = |args: &[&str]| {
        let mut all = vec!["--sandbox", "--json"];
        all.extend_from_slice(args);
        let output = rbxinv(&all);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&output)).expect("a JSON array")
    };
    assert_eq!(run(&["items", "156", "--game-passes"]).len(), 2);
    assert_eq!(
        run(&["items", "156", "--asset-types", "HAT", "--badges"]).len(),
        4
    );
    assert_eq!(
        run(&["items", "156", "--asset-ids", "1028606,1365767"]).len(),
        2
    );
    assert_eq!(
        run(&["items", "156", "--filter", "gamePasses=true;badges=true"]).len(),
        3
    );
    assert_eq!(run(&["items", "156", "--only-collectibles"]).len(), 2);
    assert_eq!(
        run(&["collectibles", "156", "--asset-type", "Hat"]).len(),
        2
    );
    assert_eq!(run(&["inventory", "156", "--asset-type", "Hat"]).len(), 3);
    assert_eq!(run(&["inventory", "156", "--asset-type", "11"]).len(), 1);
    assert_eq!(
        run(&["places", "156", "--tab", "created"])[0]["placeId"],
        1818
    );
    assert_eq!(
        run(&["places", "156", "--tab", "purchased"])[0]["placeId"],
        606849621u64,
        "with the sandbox cookie"
    );
    assert!(!run(&["categories", "156"]).is_empty());
    assert_eq!(
        run(&["collection", "add", "--asset", "1028606"])[0]["action"],
        "added"
    );
    assert_eq!(
        run(&["collection", "remove", "--asset", "1365767"])[0]["action"],
        "removed"
    );
    assert_eq!(run(&["package-assets", "607702162"]).len(), 2);
    let demo = rbxinv(&["demo"]);
    assert_eq!(demo.status.code(), Some(0));
    assert!(stderr(&demo).contains("Does builderman (156) own game pass 1111? yes"));
    assert_eq!(
        stdout(&demo)
            .lines()
            .filter(|l| l.contains("game pass"))
            .count(),
        2
    );
}

#[test]
fn errors_say_what_happened_and_never_echo_a_secret() {
    let wrong_key = rbxinv(&[
        "--sandbox",
        "--api-key",
        "very-secret-key-123",
        "items",
        "156",
    ]);
    assert_eq!(wrong_key.status.code(), Some(2));
    let text = stderr(&wrong_key);
    assert!(
        text.contains("refused the credential") && !text.contains("very-secret-key-123"),
        "{text}"
    );
    let private = rbxinv(&["--sandbox", "items", "261"]);
    assert!(
        stderr(&private).contains("Inventory: Read"),
        "says what would unlock it: {}",
        stderr(&private)
    );
    let bad_type = rbxinv(&["--sandbox", "inventory", "156", "--asset-type", "Hatt"]);
    assert_eq!(bad_type.status.code(), Some(2));
    assert!(stderr(&bad_type).contains("`Hatt` is not an asset type"));
    let no_key = rbxinv(&["--base-url", "http://127.0.0.1:9", "items", "156"]);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(
        stderr(&no_key).contains("ROBLOX_API_KEY"),
        "{}",
        stderr(&no_key)
    );
    let mixed = rbxinv(&["--sandbox", "items", "156", "--badges", "--asset-ids", "1"]);
    assert_eq!(
        mixed.status.code(),
        Some(2),
        "type and id filters cannot be combined"
    );
    let deprecated = rbxinv(&["--sandbox", "package-assets", "607702162"]);
    assert!(stderr(&deprecated).contains("migrated to bundles"));
    let usage = rbxinv(&["owns", "156"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn help_reads_well() {
    insta::assert_snapshot!("help", stdout(&rbxinv(&["--help"])));
    insta::assert_snapshot!("help_owns", stdout(&rbxinv(&["owns", "--help"])));
    let help = stdout(&rbxinv(&["--help"]));
    assert!(
        help.contains("deprecated"),
        "package-assets is marked deprecated"
    );
}

#[test]
fn owns_checks_many_users_and_items_in_every_form() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    std::fs::write(&users, "156\n\n261\n").unwrap();
    let items = dir.path().join("items.txt");
    std::fs::write(
        &items,
        "game-pass 1111\nbadge 2124445684\n  bundle 192  \nprivate-server 90001\n",
    )
    .unwrap();
    let users_arg = users.to_str().unwrap();
    let items_arg = items.to_str().unwrap();

    // Positional ids and comma lists, as a table in the order asked.
    let table = rbxinv(&[
        "--sandbox",
        "owns",
        "261",
        "156",
        "--game-pass",
        "1111,2222",
        "--asset",
        "1028606",
    ]);
    assert_eq!(table.status.code(), Some(1), "{}", stderr(&table));
    insta::assert_snapshot!("owns_bulk_table", stdout(&table));
    assert!(
        stderr(&table).starts_with("6 checked in "),
        "{}",
        stderr(&table)
    );

    // Files; the private server of another user's inventory is an error row.
    let json = rbxinv(&[
        "--sandbox",
        "--json",
        "owns",
        "--users-file",
        users_arg,
        "--items-file",
        items_arg,
    ]);
    assert_eq!(json.status.code(), Some(2), "{}", stderr(&json));
    insta::assert_snapshot!("owns_bulk_json", stdout(&json));

    // Standard input and JSON lines, streamed as answers arrive (sorted here).
    let jsonl = rbxinv_with_stdin(
        &[
            "--sandbox",
            "--jsonl",
            "owns",
            "-",
            "--items-file",
            items_arg,
        ],
        "156\n261\n",
    );
    let mut lines: Vec<&str> = std::str::from_utf8(&jsonl.stdout)
        .unwrap()
        .lines()
        .collect();
    lines.sort();
    insta::assert_snapshot!("owns_bulk_jsonl_sorted", lines.join("\n"));

    // CSV, everything owned: exit 0.
    let csv = rbxinv(&[
        "--sandbox",
        "--csv",
        "owns",
        "156",
        "--items-file",
        items_arg,
    ]);
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    // CSV streams rows as answers arrive: the header first, then any order.
    let text = stdout(&csv);
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].sort();
    insta::assert_snapshot!("owns_bulk_csv_sorted", lines.join("\n"));
}

#[test]
fn owns_refuses_bad_input_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let items = dir.path().join("items.txt");
    for (content, expected) in [
        ("game-pass 1111\nhat 5\n", "line 2: `hat` is not a kind"),
        ("asset\n", "line 1: expected `KIND ID`"),
        ("badge twelve\n", "line 1: `twelve` is not an id"),
    ] {
        std::fs::write(&items, content).unwrap();
        let run = rbxinv(&[
            "--sandbox",
            "owns",
            "156",
            "--items-file",
            items.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(2));
        assert!(
            stderr(&run).starts_with("error: ") && stderr(&run).contains(expected),
            "{}",
            stderr(&run)
        );
        assert!(stdout(&run).is_empty());
    }
    let no_items = rbxinv(&["--sandbox", "owns", "156"]);
    assert!(
        stderr(&no_items).contains("give at least one item"),
        "{}",
        stderr(&no_items)
    );
    let no_users = rbxinv(&["--sandbox", "owns", "--badge", "1"]);
    assert!(
        stderr(&no_users).contains("give at least one user"),
        "{}",
        stderr(&no_users)
    );
    let bad_user = rbxinv_with_stdin(
        &["--sandbox", "owns", "-", "--badge", "1"],
        "156\nbuilderman\n",
    );
    assert!(
        stderr(&bad_user).contains("standard input line 2: `builderman` is not a user id"),
        "{}",
        stderr(&bad_user)
    );
    // A filter that selects nothing is refused, never sent as "everything".
    let nothing = rbxinv(&["--sandbox", "items", "156", "--filter", "badges=false"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("selects nothing"),
        "{}",
        stderr(&nothing)
    );
}

#[test]
fn hardening_13_a_listing_that_fails_midway_prints_what_arrived_then_the_error() {
    use wiremock::matchers::{method, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(query_param("pageToken", "page-2"))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                r#"{"inventoryItems":[{"gamePassDetails":{"gamePassId":"1111"}},{"badgeDetails":{"badgeId":"7"}}],"nextPageToken":"page-2"}"#,
            ))
            .mount(&server)
            .await;
        server
    });
    let run = rbxinv(&[
        "--base-url",
        &server.uri(),
        "--api-key",
        "k",
        "--csv",
        "items",
        "156",
    ]);
    assert_eq!(run.status.code(), Some(2));
    let printed = stdout(&run);
    assert_eq!(
        printed.lines().count(),
        3,
        "a header and the two rows that arrived: {printed}"
    );
    assert!(
        printed.contains("1111") && printed.contains(",7"),
        "{printed}"
    );
    assert_eq!(stderr(&run).lines().count(), 1, "{}", stderr(&run));
    assert!(stderr(&run).starts_with("error: "), "{}", stderr(&run));
}

#[test]
fn hardening_14_secrets_can_come_from_files_and_are_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good-key");
    std::fs::write(&good, "sandbox-key-builderman\n").unwrap();
    let wrong = dir.path().join("wrong-key");
    std::fs::write(&wrong, "secret-wrong-key-77\n").unwrap();
    let ok = rbxinv(&[
        "--sandbox",
        "--api-key-file",
        good.to_str().unwrap(),
        "owns",
        "156",
        "--private-server",
        "90001",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let refused = rbxinv(&[
        "--sandbox",
        "--api-key-file",
        wrong.to_str().unwrap(),
        "--csv",
        "owns",
        "156",
        "--private-server",
        "90001",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let everything = format!("{}{}", stdout(&refused), stderr(&refused));
    assert!(everything.contains("refused"), "{everything}");
    assert!(!everything.contains("secret-wrong-key-77"), "{everything}");
    let missing = rbxinv(&[
        "--sandbox",
        "--api-key-file",
        "/nonexistent/key",
        "categories",
        "156",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read /nonexistent/key"),
        "{}",
        stderr(&missing)
    );
}

// ---------------------------------------------------------------- login (issue 12)

fn rbxinv_in(config: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(args)
        .env_remove("ROBLOX_API_KEY")
        .env_remove("ROBLOX_OAUTH_TOKEN")
        .env_remove("ROBLOSECURITY")
        .env_remove("ROBLOX_OAUTH_CLIENT_ID")
        .env_remove("ROBLOX_OAUTH_CLIENT_SECRET")
        .env("RBXINV_CONFIG_DIR", config)
        .output()
        .expect("rbxinv runs")
}

fn stored(config: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(config.join("login.json")).expect("login.json")).unwrap()
}

#[test]
fn login_on_the_sandbox_completes_without_a_browser_and_stores_the_tokens_owner_only() {
    let config = tempfile::tempdir().unwrap();
    let output = rbxinv_in(config.path(), &["--sandbox", "login"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Logged in as user 156"),
        "{}",
        stderr(&output)
    );
    let login: serde_json::Value = serde_json::from_slice(
        &std::fs::read(config.path().join("sandbox-login.json")).expect("sandbox-login.json"),
    )
    .unwrap();
    assert_eq!(login["client_id"], "sandbox-public-app");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.path().join("sandbox-login.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only");
    }
    // whoami: who, which app, scopes and expiry; no secret, no request.
    let whoami = rbxinv_in(config.path(), &["--sandbox", "--json", "whoami"]);
    assert_eq!(whoami.status.code(), Some(0), "{}", stderr(&whoami));
    let facts: serde_json::Value = serde_json::from_slice(&whoami.stdout).unwrap();
    assert_eq!(facts["user"], "156");
    assert_eq!(facts["app"], "sandbox-public-app");
    assert_eq!(facts["scopes"], "openid user.inventory-item:read");
    assert_eq!(facts["refreshToken"], "kept");
    let not_logged_in = rbxinv_in(config.path(), &["whoami"]);
    assert_eq!(not_logged_in.status.code(), Some(1));
    assert!(stderr(&not_logged_in).contains("Not logged in"));
    let printed = format!("{}{}{}", stdout(&output), stderr(&output), stdout(&whoami));
    for secret in ["access_token", "refresh_token", "id_token"] {
        if let Some(value) = login["tokens"][secret].as_str() {
            assert!(!printed.contains(value), "{secret} printed");
        }
    }
}

/// A sandbox whose OAuth apps accept a free loopback redirect URI, and that URI.
fn sandbox_for_login(
    runtime: &tokio::runtime::Runtime,
) -> (roblox_inventory_sandbox::Sandbox, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let mut world = roblox_inventory_sandbox::World::default_world();
    for app in &mut world.oauth_apps {
        app.redirect_uris.push(redirect.clone());
    }
    let sandbox = runtime
        .block_on(
            roblox_inventory_sandbox::Sandbox::builder()
                .world(world)
                .rate_limits(false)
                .oauth_token_lifetime(std::time::Duration::from_secs(120))
                .start(),
        )
        .unwrap();
    (sandbox, redirect)
}

/// `rbxinv login` against `base` with `redirect`, its browser played by this
/// test as Shedletsky (after `before_consent`, e.g. a browser's pre-connect):
/// the exit status and what it printed after the URL.
fn login_as_shedletsky(
    runtime: &tokio::runtime::Runtime,
    config: &std::path::Path,
    base: &str,
    redirect: &str,
    before_consent: impl FnOnce(),
) -> (std::process::ExitStatus, Vec<String>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args([
            "--base-url",
            base,
            "login",
            "--client-id",
            "sandbox-public-app",
        ])
        .args([
            "--redirect-uri",
            redirect,
            "--no-browser",
            "--timeout",
            "30",
        ])
        .env("RBXINV_CONFIG_DIR", config)
        .env_remove("ROBLOX_OAUTH_CLIENT_SECRET")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .starts_with("http")
                .then(|| line.trim().to_string())
        })
        .expect("the authorization URL is printed");
    before_consent();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let consent = http
            .get(&url)
            .header("cookie", ".ROBLOSECURITY=sandbox-cookie-shedletsky")
            .send()
            .await
            .unwrap();
        let location = consent.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(redirect), "{location}");
        let page = http.get(&location).send().await.unwrap();
        assert_eq!(page.status(), 200);
    });
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    (child.wait().unwrap(), rest)
}

#[test]
fn a_stored_login_is_used_refreshed_written_back_and_revoked_at_logout() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (sandbox, redirect) = sandbox_for_login(&runtime);
    let base = sandbox.base_url();
    let config = tempfile::tempdir().unwrap();

    // rbxinv waits for the callback; this test is the user's browser.
    let (status, rest) = login_as_shedletsky(&runtime, config.path(), &base, &redirect, || {});
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("Logged in as user 261")),
        "{rest:?}"
    );
    let first = stored(config.path());

    // Later commands use the stored login: Shedletsky's private inventory.
    let items = rbxinv_in(
        config.path(),
        &["--base-url", &base, "--jsonl", "items", "261"],
    );
    assert_eq!(items.status.code(), Some(0), "{}", stderr(&items));
    assert!(stdout(&items).lines().count() > 0);
    assert_eq!(sandbox.oauth_token_counts(), (1, 0));
    // After expiry (the stored set says it has passed; no waiting on the
    // clock): refreshed, and the rotated set written back before use.
    let mut expired = stored(config.path());
    expired["tokens"]["expires_at"] = serde_json::json!("2020-01-01T00:00:00Z");
    std::fs::write(
        config.path().join("login.json"),
        serde_json::to_vec(&expired).unwrap(),
    )
    .unwrap();
    let again = rbxinv_in(
        config.path(),
        &["--base-url", &base, "--jsonl", "items", "261"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(sandbox.oauth_token_counts(), (1, 1));
    let second = stored(config.path());
    assert_ne!(
        second["tokens"]["refresh_token"],
        first["tokens"]["refresh_token"]
    );

    // Logout revokes the authorization and deletes the file.
    let logout = rbxinv_in(config.path(), &["--base-url", &base, "logout"]);
    assert_eq!(logout.status.code(), Some(0), "{}", stderr(&logout));
    assert!(!config.path().join("login.json").exists());
    let refused = runtime.block_on(async {
        let app =
            roblox_inventory::oauth::OAuthApp::public("sandbox-public-app", redirect.as_str())
                .base_url(base.as_str())
                .build()
                .unwrap();
        let token = secrecy::SecretString::from(
            second["tokens"]["refresh_token"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        app.refresh(&token, &[]).await.unwrap_err()
    });
    assert!(refused.needs_reauthorization(), "{refused:?}");
    let after = rbxinv_in(config.path(), &["--base-url", &base, "items", "261"]);
    assert_eq!(after.status.code(), Some(2), "no credential any more");
    runtime.block_on(sandbox.shutdown());
}

// ---------------------------------------------------------------- hygiene (issue 19 item 13)

#[test]
fn hardening2_13_the_sandbox_gets_its_own_credentials_and_no_base_url() {
    // Real credentials in the environment never go to the sandbox (it would
    // answer 401, and a local process would have seen them).
    let owned = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(["--sandbox", "owns", "156", "--private-server", "90001"])
        .env("ROBLOX_API_KEY", "real-secret-key")
        .env("ROBLOSECURITY", "real-secret-cookie")
        .env_remove("ROBLOX_OAUTH_TOKEN")
        .output()
        .expect("rbxinv runs");
    assert!(owned.status.success(), "{}", stderr(&owned));
    assert!(stdout(&owned).contains("true"), "{}", stdout(&owned));
    // --base-url with --sandbox is refused, not ignored.
    let both = rbxinv(&[
        "--sandbox",
        "--base-url",
        "http://127.0.0.1:9",
        "owns",
        "156",
        "--game-pass",
        "1111",
    ]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert!(stderr(&both).contains("--base-url"), "{}", stderr(&both));
}

#[test]
fn hardening2_06_a_sandbox_login_never_touches_the_real_one() {
    let config = tempfile::tempdir().unwrap();
    let real = config.path().join("login.json");
    let untouched = br#"{"a real login": "kept byte for byte"}"#;
    std::fs::write(&real, untouched).unwrap();
    let output = rbxinv_in(config.path(), &["--sandbox", "login"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&real).unwrap(), untouched);
    let sandboxed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(config.path().join("sandbox-login.json")).expect("the sandbox's own file"),
    )
    .unwrap();
    assert_eq!(sandboxed["client_id"], "sandbox-public-app");
}

/// A runtime and a default-world sandbox on it, without rate limits.
fn runtime_and_sandbox() -> (tokio::runtime::Runtime, roblox_inventory_sandbox::Sandbox) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(
            roblox_inventory_sandbox::Sandbox::builder()
                .rate_limits(false)
                .start(),
        )
        .unwrap();
    (runtime, sandbox)
}

#[test]
fn hardening2_07_processes_sharing_a_stored_login_refresh_it_once() {
    use roblox_inventory::oauth::{Callback, OAuthApp, Scope};
    let (runtime, sandbox) = runtime_and_sandbox();
    let base = sandbox.base_url();
    let redirect = roblox_inventory_sandbox::world::DEFAULT_REDIRECT_URI;
    // Shedletsky's authorization, as `rbxinv login` would store it.
    let app = OAuthApp::public("sandbox-public-app", redirect)
        .base_url(base.as_str())
        .build()
        .unwrap();
    let tokens = runtime.block_on(async {
        let (url, pending) = app
            .authorize([Scope::OpenId, Scope::InventoryItemRead])
            .url();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let consent = http
            .get(url.as_str())
            .header("cookie", ".ROBLOSECURITY=sandbox-cookie-shedletsky")
            .send()
            .await
            .unwrap();
        let location = consent.headers()["location"].to_str().unwrap().to_string();
        let callback = Callback::parse(&location).unwrap();
        app.exchange(&pending, &callback).await.unwrap()
    });
    let mut login = serde_json::json!({
        "client_id": "sandbox-public-app",
        "redirect_uri": redirect,
        "base_url": base,
        "confidential": false,
        "tokens": serde_json::to_value(&tokens).unwrap(),
    });
    // Expired: every process must refresh before its first request.
    login["tokens"]["expires_at"] = serde_json::json!("2020-01-01T00:00:00Z");
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("login.json"),
        serde_json::to_vec(&login).unwrap(),
    )
    .unwrap();

    // Four processes at once, as `xargs -P4` starts them.
    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_rbxinv"))
                .args(["--base-url", &base, "--jsonl", "items", "261"])
                .env("RBXINV_CONFIG_DIR", config.path())
                .env_remove("ROBLOX_API_KEY")
                .env_remove("ROBLOX_OAUTH_TOKEN")
                .env_remove("ROBLOSECURITY")
                .env_remove("ROBLOX_OAUTH_CLIENT_SECRET")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("rbxinv runs")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    assert_eq!(
        sandbox.oauth_token_counts(),
        (1, 1),
        "one code exchange, one refresh for four processes"
    );
    let stored = stored(config.path());
    assert_ne!(
        stored["tokens"]["refresh_token"], login["tokens"]["refresh_token"],
        "the rotated set was kept"
    );
    runtime.block_on(sandbox.shutdown());
}

// ---------------------------------------------------------------- documented commands (issue 20)

/// Every `cargo run -p rbxinv -- …` line in the README and the guides runs on
/// the embedded sandbox and ends without an error (exit 0, or 1 for "not
/// owned"). A line that needs Roblox has no place in a `sh` block: its
/// reader could not try it, and no test could.
#[test]
fn documented_rbxinv_commands_run_on_the_sandbox() {
    let scratch = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for command in roblox_inventory_tests::documented_commands() {
        let Some(args) = command.args_after("cargo run -p rbxinv --") else {
            continue;
        };
        let place = &command.place;
        // Commands that send no request need no sandbox.
        let offline = ["whoami", "completions", "man", "help", "--help"];
        assert!(
            args.iter()
                .any(|a| a == "--sandbox" || offline.contains(&a.as_str())),
            "{place}: `{}` would talk to Roblox; show it with --sandbox or in prose",
            command.line
        );
        let output = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
            .args(&args)
            .current_dir(scratch.path())
            .env("RBXINV_CONFIG_DIR", scratch.path())
            .env("RBXINV_DATA_DIR", scratch.path())
            .env_remove("RBXINV_DB")
            .env_remove("ROBLOX_API_KEY")
            .env_remove("ROBLOX_OAUTH_TOKEN")
            .env_remove("ROBLOSECURITY")
            .env_remove("ROBLOX_BUDGET_REDIS")
            .output()
            .expect("rbxinv runs");
        assert!(
            matches!(output.status.code(), Some(0 | 1)) && !stderr(&output).contains("error"),
            "{place}: `{}`: {:?}\n{}",
            command.line,
            output.status,
            stderr(&output)
        );
        ran += 1;
    }
    assert!(ran >= 5, "the documented commands were found ({ran})");
}

// ---------------------------------------------------------------- hints (issue 20 item 3)

/// A stored login (as `rbxinv login` writes it) for `base_url`, whose access
/// token has expired: made on the embedded sandbox, then pointed elsewhere.
fn stored_login_for(config: &std::path::Path, base_url: &str) {
    let made = rbxinv_in(config, &["--sandbox", "login"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let mut login: serde_json::Value =
        serde_json::from_slice(&std::fs::read(config.join("sandbox-login.json")).unwrap()).unwrap();
    login["base_url"] = base_url.into();
    login["tokens"]["expires_at"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(config.join("login.json"), login.to_string()).unwrap();
}

/// Every error kind a person meets says what happened and what to do, in the
/// command line's words (flags, variables, commands), never the library's.
#[test]
fn every_error_says_what_to_do_in_the_command_lines_words() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(async {
        Mock::given(method("POST"))
            .and(path("/oauth/v1/token"))
            .respond_with(ResponseTemplate::new(400).set_body_json(
                serde_json::json!({"error": "invalid_grant", "error_description": "revoked"}),
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "120")
                    .set_body_string(r#"{"errors":[{"code":0,"message":"TooManyRequests"}]}"#),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(wiremock::matchers::path_regex("^/v1/collections/"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("rblx-challenge-id", "0f1e")
                    .insert_header("rblx-challenge-type", "captcha")
                    .insert_header("x-csrf-token", "t")
                    .set_body_string(
                        r#"{"errors":[{"code":0,"message":"Challenge is required"}]}"#,
                    ),
            )
            .mount(&server)
            .await;
    });
    let base = server.uri();
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_base = format!("http://{}", silent.local_addr().unwrap());
    let refused = "http://127.0.0.1:9";

    let elsewhere = tempfile::tempdir().unwrap();
    stored_login_for(elsewhere.path(), "http://127.0.0.1:1");
    let expired = tempfile::tempdir().unwrap();
    stored_login_for(expired.path(), &base);
    let none = tempfile::tempdir().unwrap();

    let cases: Vec<(&str, &std::path::Path, Vec<&str>)> = vec![
        (
            "no credential",
            none.path(),
            vec!["--base-url", refused, "items", "156"],
        ),
        (
            "a stored login for another base URL",
            elsewhere.path(),
            vec!["--base-url", refused, "items", "156"],
        ),
        (
            "an expired stored login",
            expired.path(),
            vec!["--base-url", &base, "items", "156"],
        ),
        (
            "a private inventory",
            none.path(),
            vec!["--sandbox", "items", "261"],
        ),
        (
            "a rate limit",
            none.path(),
            vec!["--base-url", &base, "categories", "156"],
        ),
        (
            "a challenge",
            none.path(),
            vec![
                "--base-url",
                &base,
                "--roblosecurity",
                "c",
                "collection",
                "add",
                "--asset",
                "1",
            ],
        ),
        (
            "a refused connection",
            none.path(),
            vec!["--base-url", refused, "--api-key", "k", "items", "156"],
        ),
        (
            "no answer",
            none.path(),
            vec![
                "--base-url",
                &silent_base,
                "--timeout",
                "1",
                "categories",
                "156",
            ],
        ),
    ];
    let mut report = String::new();
    for (case, config, args) in cases {
        let output = rbxinv_in(config, &args);
        assert_eq!(output.status.code(), Some(2), "{case}: {}", stderr(&output));
        let text = stderr(&output)
            .replace(&base, "BASE")
            .replace(&silent_base, "SILENT");
        assert!(
            text.starts_with("error: ") && text.contains("\nhint: "),
            "{case}: {text}"
        );
        for library in ["ClientBuilder", "Client::builder", "Cloud_", "GetV1"] {
            assert!(!text.contains(library), "{case} speaks library: {text}");
        }
        report.push_str(&format!("## {case}\n{text}\n"));
    }
    drop(silent);
    insta::assert_snapshot!("hints", report);
}

/// Browsers open spare connections before they need them: an idle one must
/// not keep the callback from being served (it used to be read first, with no
/// timeout, until `login` gave up). And a config directory the user named
/// keeps its permissions (only directories rbxinv creates are owner-only).
#[test]
fn login_is_not_stalled_by_a_preconnected_browser_and_leaves_a_named_directory_alone() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (sandbox, redirect) = sandbox_for_login(&runtime);
    let config = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(config.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let callback = redirect
        .trim_start_matches("http://")
        .trim_end_matches("/callback")
        .to_string();
    let mut idle = None;
    let (status, rest) = login_as_shedletsky(
        &runtime,
        config.path(),
        &sandbox.base_url(),
        &redirect,
        || {
            idle = Some(std::net::TcpStream::connect(&callback).unwrap());
        },
    );
    assert!(status.success(), "{rest:?}");
    drop(idle);
    assert_eq!(stored(config.path())["client_id"], "sandbox-public-app");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755, "the named directory is left as it was");
    }
}

// ---------------------------------------------------------------- doctor, completions, man (issue 20 item 3)

#[test]
fn doctor_checks_each_credential_and_the_clock() {
    let config = tempfile::tempdir().unwrap();
    let healthy = rbxinv_in(config.path(), &["--sandbox", "doctor"]);
    assert_eq!(healthy.status.code(), Some(0), "{}", stdout(&healthy));
    let text = stdout(&healthy);
    for line in [
        "ok    API key",
        "ok    clock",
        "cookie             configured",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }

    // A refused key fails its check; a host whose clock is years away is a warning.
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("^/cloud/"))
            .respond_with(
                ResponseTemplate::new(401)
                    .set_body_string(r#"{"code":"UNAUTHENTICATED","message":"Invalid API Key"}"#),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex("^/v1/"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("date", "Tue, 01 Dec 2020 00:00:00 GMT")
                    .set_body_string(r#"{"categories":[]}"#),
            )
            .mount(&server)
            .await;
        server
    });
    let sick = rbxinv_in(
        config.path(),
        &[
            "--base-url",
            &server.uri(),
            "--api-key",
            "secret-key-9",
            "doctor",
        ],
    );
    assert_eq!(sick.status.code(), Some(1), "{}", stdout(&sick));
    let text = stdout(&sick);
    assert!(
        text.contains("FAIL  API key            Roblox refused the credential"),
        "{text}"
    );
    assert!(
        text.contains("warn  clock") && text.contains("ahead of"),
        "{text}"
    );
    assert!(!text.contains("secret-key-9"), "{text}");
}

#[test]
fn completions_and_the_man_page_come_from_the_definitions() {
    let bash = rbxinv(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    assert!(stdout(&bash).contains("_rbxinv()") && stdout(&bash).contains("--game-pass"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = rbxinv(&["completions", shell]);
        assert!(
            output.status.success() && output.stdout.len() > 1_000,
            "{shell}"
        );
    }
    let man = rbxinv(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(
        page.contains(".TH rbxinv 1") && page.contains("whoami"),
        "{page}"
    );
}

/// Each command's CSV header is its fixed columns, printed even when there is
/// no row, and docs/cli.md lists exactly those.
#[test]
fn columns_are_fixed_and_documented() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 11] = [
        &["owns", "156", "--game-pass", "1111"],
        &["items", "156"],
        &["demo"],
        &["collectibles", "156"],
        &["inventory", "156", "--asset-type", "Hat"],
        &["places", "156"],
        &["categories", "156"],
        &["package-assets", "607702162"],
        &["collection", "add", "--asset", "1028606"],
        &["changes"],
        &["holdings", "156"],
    ];
    let db = data.path().join("t.db").display().to_string();
    let tracked = rbxinv(&["--sandbox", "track", "156", "--db", &db]);
    assert_eq!(tracked.status.code(), Some(0), "{}", stderr(&tracked));
    let synced = rbxinv(&["--sandbox", "sync", "--db", &db]);
    assert_eq!(synced.status.code(), Some(0), "{}", stderr(&synced));
    for command in commands {
        let mut args = vec!["--sandbox", "--csv"];
        args.extend_from_slice(command);
        if matches!(command[0], "changes" | "holdings") {
            args.extend(["--db", db.as_str()]);
        }
        let output = rbxinv(&args);
        let text = stdout(&output);
        let header = text.lines().next().unwrap_or_default();
        assert!(
            guide.contains(&format!("`{header}`")),
            "{command:?}: docs/cli.md does not list `{header}`"
        );
        // An empty error cell when nothing failed.
        if command[0] == "owns" {
            assert_eq!(text.lines().nth(1), Some("156,game-pass,1111,true,"));
        }
    }
    // No rows: the header alone (a script can tell "nothing" from "broken").
    let none = rbxinv(&[
        "--sandbox",
        "--csv",
        "items",
        "156",
        "--game-pass-ids",
        "424242",
    ]);
    assert_eq!(stdout(&none), "kind,id,assetType,serialNumber,added\n");
}

// ---------------------------------------------------------------- tracking (issue 21 item 7)

/// `track`, `sync`, `changes`, `holdings` on a SQLite file against a sandbox
/// whose world changes: a trade shows as lost by one user and gained by the
/// other (same copy, same serial), the log reads from a cursor, and a sync
/// with nothing new prints nothing.
#[test]
fn tracking_from_the_shell_sees_a_trade_once() {
    let (runtime, sandbox) = runtime_and_sandbox();
    let base = sandbox.base_url();
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
            .args(["--base-url", &base, "--api-key", "sandbox-key-builderman"])
            .args(args)
            .env("RBXINV_DATA_DIR", data.path())
            .env("RBXINV_CONFIG_DIR", data.path())
            .env_remove("RBXINV_DB")
            .output()
            .expect("rbxinv runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        stdout(&output)
    };
    run(&["track", "156", "1"]);
    assert_eq!(
        run(&["--csv", "sync"]),
        "id,user,scope,change,kind,itemId,userAssetId,serialNumber,observedAt\n",
        "the first look is a baseline"
    );
    let copy = sandbox.world().copy_with_serial(156, 42).unwrap();
    sandbox
        .apply(roblox_inventory_sandbox::Event::Trade {
            user_asset_id: copy,
            from: 156,
            to: 1,
        })
        .unwrap();
    let synced: Vec<serde_json::Value> = run(&["--jsonl", "sync"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Users are observed several at once: the log is in commit order.
    let mut seen: Vec<_> = synced
        .iter()
        .map(|r| {
            (
                r["user"].as_u64(),
                r["change"].as_str(),
                r["userAssetId"].as_u64(),
                r["serialNumber"].as_u64(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (Some(1), Some("gained"), Some(copy), Some(42)),
            (Some(156), Some("lost"), Some(copy), Some(42)),
        ]
    );
    assert_eq!(
        run(&["--jsonl", "sync"]),
        "",
        "nothing new, nothing printed"
    );
    let first = synced[0]["id"].as_i64().unwrap().to_string();
    let after = run(&["--csv", "changes", "--after", &first]);
    assert_eq!(
        after.lines().count(),
        2,
        "the header and the one after the cursor: {after}"
    );
    assert!(run(&["--csv", "holdings", "1"]).contains(&format!(",copy,1365767,{copy},42,")));

    // watch: changes as JSON lines while it runs; Ctrl-C ends it cleanly.
    run(&["track", "156", "--scope", "game-passes"]);
    run(&["sync"]);
    sandbox
        .apply(roblox_inventory_sandbox::Event::RefundGamePass {
            user_id: 156,
            game_pass_id: 1111,
        })
        .unwrap();
    let mut watching = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(["--base-url", &base, "--api-key", "sandbox-key-builderman"])
        .args(["watch", "--interval", "0"])
        .env("RBXINV_DATA_DIR", data.path())
        .env("RBXINV_CONFIG_DIR", data.path())
        .env_remove("RBXINV_DB")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines =
        std::io::BufRead::lines(std::io::BufReader::new(watching.stdout.take().unwrap()));
    let refunded: serde_json::Value =
        serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(
        (
            refunded["change"].as_str(),
            refunded["kind"].as_str(),
            refunded["itemId"].as_u64()
        ),
        (Some("lost"), Some("game-pass"), Some(1111)),
        "{refunded}"
    );
    let interrupted = Command::new("kill")
        .args(["-INT", &watching.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(
        watching.wait().unwrap().code(),
        Some(0),
        "Ctrl-C ends it cleanly"
    );
    runtime.block_on(sandbox.shutdown());
}

#[path = "cli/watching.rs"]
mod watching;
