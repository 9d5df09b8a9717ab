//! `cargo xtask spec [--check]`: regenerate `spec/openapi.json` from `spec/source/`,
//! or check that it is up to date. `cargo xtask drill`: the regeneration drill
//! (see `drill.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask spec [--check] [--source DIR] [--out FILE]
       cargo xtask drill [--scratch DIR]

  spec            read spec/source/ (inventories.md + overlay.yaml), write spec/openapi.json
                  and the api crate's copy (crates/roblox-inventory-api/openapi.json)
  --check         write nothing; fail with a diff if spec/openapi.json is stale, or if the
                  api crate's copy differs from it
  --source DIR    read the document and overlay from DIR instead of spec/source/
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
    let mut out = root.join("spec/openapi.json");
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--source" => source = PathBuf::from(rest.next().ok_or("--source needs a directory")?),
            "--out" => out = PathBuf::from(rest.next().ok_or("--out needs a file")?),
            other => return Err(format!("unknown option `{other}`")),
        }
    }

    let mut stderr = std::io::stderr();
    let default_out = out == root.join("spec/openapi.json");
    let mut ok = xtask::spec_command(&source, &out, check, &mut stderr)?;
    if ok && default_out {
        ok = xtask::sync_package_copy(&out, &root.join(xtask::PACKAGE_SPEC), check, &mut stderr)?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
