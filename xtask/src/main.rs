//! `cargo xtask spec [--check]`: regenerate `spec/openapi.json` from `spec/source/`,
//! or check that it is up to date.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask spec [--check] [--source DIR] [--out FILE]

  spec            read spec/source/ (inventories.md + overlay.yaml), write spec/openapi.json
  --check         write nothing; fail with a diff if spec/openapi.json is stale
  --source DIR    read the document and overlay from DIR instead of spec/source/
  --out FILE      the spec file to write or check instead of spec/openapi.json";

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
    if command != "spec" {
        return Err(format!("unknown command `{command}`"));
    }
    let root = xtask::workspace_root();
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

    let generated = match xtask::generate(&source) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                eprintln!("{}", with_dir(&source, diagnostic));
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == xtask::Severity::Error)
                .count();
            eprintln!("spec generation failed with {errors} error(s)");
            return Ok(ExitCode::FAILURE);
        }
    };
    for warning in &generated.warnings {
        eprintln!("{}", with_dir(&source, warning));
    }
    // progenitor panics on some spec shapes; catch that here rather than in build.rs.
    if let Err(e) = roblox_inventory_codegen::generate(&generated.spec) {
        eprintln!(
            "error: the spec is valid OpenAPI but progenitor cannot generate a client from it: {e}"
        );
        return Ok(ExitCode::FAILURE);
    }

    let current = std::fs::read_to_string(&out).unwrap_or_default();
    if check {
        if current == generated.json {
            eprintln!("{} is up to date", out.display());
            return Ok(ExitCode::SUCCESS);
        }
        let diff = similar::TextDiff::from_lines(&current, &generated.json);
        eprint!(
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("{} (checked in)", out.display()),
                "generated from spec/source/"
            )
        );
        eprintln!(
            "\n{} is stale: run `cargo xtask spec` and commit the result",
            out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if current != generated.json {
        std::fs::write(&out, &generated.json)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("wrote {}", out.display());
    } else {
        eprintln!("{} is already up to date", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prefixes a diagnostic's file with the source directory, so editors can jump to it.
fn with_dir(source: &std::path::Path, diagnostic: &xtask::Diagnostic) -> String {
    let mut d = diagnostic.clone();
    d.file = source.join(&d.file).display().to_string();
    d.to_string()
}
