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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn owns_answers_with_its_exit_status() {
    let owned = rbxinv(&["--sandbox", "owns", "156", "--game-pass", "1111"]);
    assert_eq!(owned.status.code(), Some(0), "{}", stderr(&owned));
    let not_owned = rbxinv(&["--sandbox", "owns", "261", "--game-pass", "1111"]);
    assert_eq!(not_owned.status.code(), Some(1));
    let error = rbxinv(&["--sandbox", "owns", "156", "--bundle", "999"]);
    assert_eq!(error.status.code(), Some(2));
    assert_eq!(
        stderr(&error).lines().count(),
        1,
        "one line: {}",
        stderr(&error)
    );
    assert!(stderr(&error).starts_with("error: "));
    assert!(stdout(&error).is_empty());
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
fn errors_are_one_clear_line_and_never_echo_a_secret() {
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
        text.contains("credential was refused") && !text.contains("very-secret-key-123"),
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
