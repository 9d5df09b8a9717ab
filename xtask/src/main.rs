//! `cargo xtask spec [--check]`: regenerate `spec/openapi.json` from `spec/source/`,
//! or check that it is up to date. `cargo xtask drill`: the regeneration drill
//! (see `drill.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask spec [--check] [--source DIR | --document FILE --overlay FILE] [--out FILE]
       cargo xtask drill [--scratch DIR]

  spec            read spec/source/ (inventories.md + overlay.yaml), write spec/openapi.json
                  and the api crate's copy (crates/roblox-inventory-api/openapi.json)
  --check         write nothing; fail with a diff if spec/openapi.json is stale, or if the
                  api crate's copy differs from it
  --source DIR    read DIR/inventories.md and DIR/overlay.yaml instead of spec/source/
  --document FILE a document in Roblox's feature-page format, under any name
  --overlay FILE  the overlay for it (with --document)
  --out FILE      the spec file to write or check instead of spec/openapi.json

  drill           change a copy of the document (a new endpoint, enum value and field),
                  regenerate, build roblox-inventory, and fail unless its public API is
                  unchanged and free of generated types (builds into target/drill)
  --scratch DIR   where the copy goes (default target/drill/scratch)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    if command == "--help" || command == "-h" || command == "help" {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let root = xtask::workspace_root();
    if command == "drill" {
        let mut scratch = root.join("target/drill/scratch");
        let mut rest = rest.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--scratch" => {
                    scratch = PathBuf::from(rest.next().ok_or("--scratch needs a directory")?)
                }
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        let report = match xtask::drill::run(&root, &scratch, &root.join("target/drill")) {
            Ok(report) => report,
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(ExitCode::FAILURE);
            }
        };
        print!("{}", report.summary());
        return Ok(if report.passed() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    if command != "spec" {
        return Err(format!("unknown command `{command}`"));
    }
    let mut check = false;
    let mut source = root.join("spec/source");
    let (mut document, mut overlay) = (None, None);
    let mut out = root.join("spec/openapi.json");
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let mut value = |what: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--source" => source = value("a directory")?,
            "--document" => document = Some(value("a file")?),
            "--overlay" => overlay = Some(value("a file")?),
            "--out" => out = value("a file")?,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let defaults = xtask::Sources::in_dir(&source);
    let sources = match (document, overlay) {
        (None, None) => defaults,
        (Some(document), Some(overlay)) => xtask::Sources { document, overlay },
        _ => return Err("--document and --overlay go together".into()),
    };

    let mut stderr = std::io::stderr();
    let default_out = out == root.join("spec/openapi.json");
    let mut ok = xtask::spec_command_for(&sources, &out, check, &mut stderr)?;
    if ok && default_out {
        ok = xtask::sync_package_copy(&out, &root.join(xtask::PACKAGE_SPEC), check, &mut stderr)?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
