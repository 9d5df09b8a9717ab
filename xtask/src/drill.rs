//! The regeneration drill (`cargo xtask drill`): what happens to the ergonomic
//! crate when Roblox changes its document.
//!
//! 1. Copy the workspace to a scratch directory.
//! 2. Change the copy's document the three ways Roblox does ([`change_document`]):
//!    a new endpoint (`GET /v1/users/{userId}/can-view-inventory`), a new enum
//!    value (asset type `93` for the collectibles filter) and a new response
//!    field (`totalSize` on `ListInventoryItemsResponse`).
//! 3. Regenerate the copy's spec and the api crate's copy of it, exactly as
//!    `cargo xtask spec` does, and check that all three changes reached it.
//! 4. Type-check the copy's `roblox-inventory`, plus a program that calls the new
//!    operation through `Client::legacy_api()` (reachable the day it appears).
//! 5. Compare the public surface of `roblox-inventory` before and after
//!    ([`crate::surface`], from rustdoc's JSON): it must be byte-identical.
//!    Generated types may appear in it only through the escape hatch
//!    ([`ALLOWED_GENERATED`]). A control then adds one public function to the
//!    copy and checks that the surface shows it (a blind comparison fails).
//!
//! Builds go to their own target directory (`target/drill` by default): the
//! drill runs inside `cargo test`, which holds the workspace's own. rustdoc's
//! JSON output is unstable, so the drill sets `RUSTC_BOOTSTRAP=1` for it; both
//! sides are built with `--no-default-features` (the TLS features change no
//! public item, and skip compiling aws-lc).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::surface;

/// What the drill adds to the document: a new endpoint…
const NEW_ENDPOINT: &str = "### GET `/v1/users/{userId}/can-view-inventory`

Gets whether the authenticated user can view a user's inventory.

**Server:** `https://inventory.roblox.com`

**Auth:** Cookie (`.ROBLOSECURITY`)

**Parameters:**

| Name | In | Type | Required | Description |
|------|-----|------|----------|-------------|
| `userId` | path | `integer` | Yes | The user whose inventory is asked about |

**Responses:**

- `200`: OK → `boolean`

";

/// …the operation id the spec gives it, and the generated method.
pub const NEW_OPERATION: &str = "GetV1UsersCanViewInventory";
const NEW_METHOD: &str = "get_v1_users_can_view_inventory";

/// The public-surface lines allowed to name the generated crate: the escape
/// hatch (`api`, `cloud_api`, `legacy_api`) and the documented-error lookup
/// bounded by its trait.
pub const ALLOWED_GENERATED: &[&str] = &[
    "use roblox_inventory::api = roblox_inventory_api",
    "\"cloud_api\"",
    "\"legacy_api\"",
    "\"documented\"",
];

/// The document with the drill's three changes, or why it cannot be changed
/// (the anchors it edits at are gone).
pub fn change_document(document: &str) -> Result<String, String> {
    let mut changed = document.to_string();
    let mut edit = |what: &str, from: &str, to: &str| -> Result<(), String> {
        if !changed.contains(from) {
            return Err(format!(
                "cannot add {what}: `{from}` is not in the document"
            ));
        }
        changed = changed.replacen(from, to, 1);
        Ok(())
    };
    edit(
        "an endpoint",
        "\n## Models\n",
        &format!("\n{NEW_ENDPOINT}## Models\n"),
    )?;
    let count = document
        .lines()
        .find_map(|line| line.strip_prefix("endpoints: "))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .ok_or("the front matter has no `endpoints:` count")?;
    edit(
        "an endpoint",
        &format!("endpoints: {count}\n"),
        &format!("endpoints: {}\n", count + 1),
    )?;
    edit("an enum value", "`91`, `92` |", "`91`, `92`, `93` |")?;
    edit(
        "an enum value",
        "`integer enum (85 values)`",
        "`integer enum (86 values)`",
    )?;
    edit(
        "a field",
        "| `nextPageToken` | `string` | No | A token",
        "| `totalSize` | `integer` | No | The number of items the filter matches. |\n\
         | `nextPageToken` | `string` | No | A token",
    )?;
    Ok(changed)
}

/// What the drill found.
#[derive(Debug)]
pub struct Report {
    /// The public surface before the change.
    pub before: String,
    /// The public surface after it.
    pub after: String,
    /// Surface lines naming the generated crate outside [`ALLOWED_GENERATED`].
    pub leaks: Vec<String>,
}

impl Report {
    /// Whether the public API stayed the same and keeps generated types out.
    pub fn passed(&self) -> bool {
        self.before == self.after && self.leaks.is_empty()
    }

    /// A readable account: counts, and the differences if any.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "public surface of roblox-inventory: {} lines before, {} after, {}\n",
            self.before.lines().count(),
            self.after.lines().count(),
            if self.before == self.after {
                "identical"
            } else {
                "DIFFERENT"
            }
        );
        if self.before != self.after {
            let diff = similar::TextDiff::from_lines(&self.before, &self.after);
            text.push_str(&diff.unified_diff().header("before", "after").to_string());
        }
        for leak in &self.leaks {
            text.push_str(&format!("generated type in the public API: {leak}\n"));
        }
        text
    }
}

/// Runs the drill on the workspace at `root`, in `scratch` (created, left for
/// inspection), building into `target_dir`.
pub fn run(root: &Path, scratch: &Path, target_dir: &Path) -> Result<Report, String> {
    let copy = scratch.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    copy_workspace(root, &copy)?;

    // 2–3: change the document and regenerate, as `cargo xtask spec` does.
    let document_path = copy.join("spec/source").join(crate::DOCUMENT);
    let document = std::fs::read_to_string(&document_path)
        .map_err(|e| format!("{}: {e}", document_path.display()))?;
    std::fs::write(&document_path, change_document(&document)?)
        .map_err(|e| format!("{}: {e}", document_path.display()))?;
    let spec = copy.join("spec/openapi.json");
    let mut log = Vec::new();
    let generated = crate::spec_command(&copy.join("spec/source"), &spec, false, &mut log)?
        && crate::sync_package_copy(&spec, &copy.join(crate::PACKAGE_SPEC), false, &mut log)?;
    if !generated {
        return Err(format!(
            "the changed document does not generate:\n{}",
            String::from_utf8_lossy(&log)
        ));
    }
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    for (what, needle) in [
        ("the new endpoint", NEW_OPERATION),
        ("the new enum value", "\"TextDocument\""),
        ("the new field", "\"totalSize\""),
    ] {
        if !text.contains(needle) {
            return Err(format!(
                "{what} did not reach the regenerated spec ({needle})"
            ));
        }
    }

    // 4: the ergonomic crate builds, and the new operation is callable through it.
    let example = copy.join("crates/roblox-inventory/examples/drill_new_operation.rs");
    std::fs::write(
        &example,
        format!(
            "//! Written by the regeneration drill.\n\
             use roblox_inventory::api::prelude::*;\n\n\
             fn main() {{\n    \
                 let client = roblox_inventory::Client::builder().build().expect(\"client\");\n    \
                 let _request = client.legacy_api().{NEW_METHOD}().user_id(156);\n\
             }}\n"
        ),
    )
    .map_err(|e| format!("{}: {e}", example.display()))?;
    cargo(
        &copy,
        target_dir,
        &[
            "check",
            "-p",
            "roblox-inventory",
            "--no-default-features",
            "--lib",
            "--example",
            "drill_new_operation",
        ],
    )?;

    // 5: the public surface, before and after.
    let before = public_surface(root, target_dir)?;
    let after = public_surface(&copy, target_dir)?;
    // A control: one new public function must show, or the comparison proves nothing.
    let lib = copy.join("crates/roblox-inventory/src/lib.rs");
    let mut source =
        std::fs::read_to_string(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    source
        .push_str("\n/// Added by the regeneration drill's control.\npub fn drill_control() {}\n");
    std::fs::write(&lib, source).map_err(|e| format!("{}: {e}", lib.display()))?;
    let control = public_surface(&copy, target_dir)?;
    if control == after || !control.contains("roblox_inventory::drill_control") {
        return Err(
            "the surface does not show a new public function: the comparison is blind".into(),
        );
    }
    let leaks = surface::mentions(&after, "roblox_inventory_api")
        .into_iter()
        .filter(|line| {
            !ALLOWED_GENERATED
                .iter()
                .any(|allowed| line.contains(allowed))
        })
        .map(|line| line.chars().take(300).collect())
        .collect();
    Ok(Report {
        before,
        after,
        leaks,
    })
}

/// The public surface of `roblox-inventory` in the workspace at `workspace`.
pub fn public_surface(workspace: &Path, target_dir: &Path) -> Result<String, String> {
    cargo(
        workspace,
        target_dir,
        &[
            "rustdoc",
            "-p",
            "roblox-inventory",
            "--lib",
            "--no-default-features",
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
        ],
    )?;
    let json_path = target_dir.join("doc/roblox_inventory.json");
    let json =
        std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    surface::surface(&json)
}

fn cargo(workspace: &Path, target_dir: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // `--locked` right after the subcommand: what follows `--` goes to rustdoc.
    let (subcommand, rest) = args.split_first().ok_or("no cargo subcommand")?;
    let output = Command::new(cargo)
        .arg(subcommand)
        .arg("--locked")
        .args(rest)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` in {} failed:\n{}",
            args.join(" "),
            workspace.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Copies what a build of the workspace needs: the manifests, lockfile, cargo
/// config, spec and every member, without build output or git data.
fn copy_workspace(root: &Path, to: &Path) -> Result<(), String> {
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        ".cargo",
        "spec",
        "crates",
        "xtask",
        "tests",
    ] {
        copy_tree(&root.join(entry), &to.join(entry))?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let fail = |path: &PathBuf, e: std::io::Error| format!("{}: {e}", path.display());
    let from = from.to_path_buf();
    let meta = std::fs::metadata(&from).map_err(|e| fail(&from, e))?;
    if meta.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(&parent.to_path_buf(), e))?;
        }
        std::fs::copy(&from, to).map_err(|e| fail(&from, e))?;
        return Ok(());
    }
    for entry in std::fs::read_dir(&from).map_err(|e| fail(&from, e))? {
        let entry = entry.map_err(|e| fail(&from, e))?;
        let name = entry.file_name();
        // Build output, and the dependent-build programs (separate workspaces).
        if name == "target" || name == ".git" || name == "dependent-build" {
            continue;
        }
        copy_tree(&entry.path(), &to.join(&name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_change_adds_an_endpoint_an_enum_value_and_a_field() {
        let root = crate::workspace_root();
        let document =
            std::fs::read_to_string(root.join("spec/source").join(crate::DOCUMENT)).unwrap();
        let changed = change_document(&document).unwrap();
        assert!(changed.contains("endpoints: 10\n"));
        assert!(changed.contains("/can-view-inventory`"));
        assert!(changed.contains("`92`, `93` |"));
        assert!(changed.contains("| `totalSize` |"));
        let overlay =
            std::fs::read_to_string(root.join("spec/source").join(crate::OVERLAY)).unwrap();
        let spec = crate::generate_from_texts(&changed, &overlay).expect("it still generates");
        assert!(spec.json.contains(NEW_OPERATION) && spec.json.contains("\"totalSize\""));
        assert!(spec.json.contains("\"TextDocument\""));
        assert!(change_document("no anchors here").is_err());
    }
}
