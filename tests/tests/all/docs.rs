//! The README and the guides keep their word: every Rust snippet is a doctest
//! of this crate (`src/lib.rs`, `mod documented`), and every command line in a
//! `sh` block is run by a test or by CI. This file checks the bookkeeping:
//! each page is included as doctests, and each command is one that a test runs
//! (rbxinv's on the sandbox, the sandbox binary's with its `curl`s) or a line
//! of `.ci/run`.

use roblox_inventory_tests::{commands_in, documented_commands, documented_pages};

use crate::root;

/// Who runs a documented command.
#[derive(Debug, PartialEq, Eq)]
enum RunBy {
    /// `crates/rbxinv/tests/cli.rs`: `documented_rbxinv_commands_run_on_the_sandbox`.
    RbxinvTests,
    /// `crates/roblox-inventory-sandbox/tests/sandbox.rs`: `documented_commands_run`.
    SandboxTests,
    /// `.ci/run`, where the same line appears.
    Ci,
}

fn run_by(line: &str, ci: &str) -> Option<RunBy> {
    if line.starts_with("cargo run -p rbxinv -- ") {
        Some(RunBy::RbxinvTests)
    } else if line.starts_with("cargo run -p roblox-inventory-sandbox -- ")
        || line.starts_with("curl ")
    {
        Some(RunBy::SandboxTests)
    } else if ci.lines().any(|ci_line| ci_line.trim() == line) {
        Some(RunBy::Ci)
    } else {
        None
    }
}

#[test]
fn every_documented_command_is_run_by_a_test_or_by_ci() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let commands = documented_commands();
    assert!(commands.len() >= 10, "{commands:?}");
    let unrun: Vec<String> = commands
        .iter()
        .filter(|command| command.words().is_none() || run_by(&command.line, &ci).is_none())
        .map(|command| format!("{}: {}", command.place, command.line))
        .collect();
    assert!(
        unrun.is_empty(),
        "command lines that no test and no CI step runs (run them, or add the line to .ci/run):\n{}",
        unrun.join("\n")
    );
    // The README's two commands are the first two it shows.
    let readme: Vec<&str> = commands
        .iter()
        .filter(|command| command.place.starts_with("README.md:"))
        .map(|command| command.line.as_str())
        .collect();
    assert_eq!(
        readme[..2],
        [
            "cargo run -p rbxinv -- --sandbox demo",
            "cargo test --workspace"
        ]
    );
}

#[test]
fn every_page_is_compiled_as_doctests() {
    let lib = std::fs::read_to_string(root().join("tests/src/lib.rs")).unwrap();
    for page in documented_pages() {
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        assert!(
            lib.contains(&format!("include_str!(\"../../{name}\")")),
            "{name} is not included as doctests in tests/src/lib.rs (mod documented)"
        );
    }
}

#[test]
fn commands_are_read_as_a_shell_reads_them() {
    let page = "intro\n```sh\ncargo run -p rbxinv -- --sandbox owns 156  # exit 0\ncurl -H 'x: y' \\\n  'http://a/b?c=d'\n\n```\n```rust\nlet not = \"a command\";\n```\n   ```sh\n   cargo xtask spec\n   ```\n";
    let commands = commands_in("page.md", page);
    let shown: Vec<(&str, &str, Option<&str>)> = commands
        .iter()
        .map(|c| (c.place.as_str(), c.line.as_str(), c.comment.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "page.md:3",
                "cargo run -p rbxinv -- --sandbox owns 156",
                Some("exit 0")
            ),
            ("page.md:4", "curl -H 'x: y' 'http://a/b?c=d'", None),
            ("page.md:12", "cargo xtask spec", None),
        ]
    );
    assert_eq!(
        commands[1].words().unwrap(),
        ["curl", "-H", "x: y", "http://a/b?c=d"]
    );
    assert_eq!(
        commands[0].args_after("cargo run -p rbxinv --").unwrap(),
        ["--sandbox", "owns", "156"]
    );
    assert_eq!(commands[2].args_after("cargo run -p rbxinv --"), None);
}
