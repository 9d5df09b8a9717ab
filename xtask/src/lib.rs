//! `cargo xtask spec`: the user's Markdown document plus the reviewed overlay →
//! `spec/openapi.json` (OpenAPI 3.0.3), deterministic and lint-checked.
//!
//! The pipeline: [`markdown`] flattens the document into blocks with line
//! numbers, [`document`] reads the API description out of them, [`overlay`]
//! loads the facts the document leaves out, [`emit`] merges both into a spec, and
//! [`lint`] checks it against what progenitor can generate.

#![deny(missing_docs)]

pub mod diag;
pub mod document;
pub mod drill;
pub mod emit;
pub mod lint;
pub mod markdown;
pub mod overlay;
pub mod surface;

use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Diagnostics, Severity};

/// The document's file name under `spec/source/`.
pub const DOCUMENT: &str = "inventories.md";
/// The overlay's file name under `spec/source/`.
pub const OVERLAY: &str = "overlay.yaml";

/// A successfully generated spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The spec.
    pub spec: openapiv3::OpenAPI,
    /// Its serialized form: pretty JSON with a trailing newline.
    pub json: String,
    /// Warnings about the sources (the spec was produced anyway).
    pub warnings: Vec<Diagnostic>,
    /// The document's line of each operation.
    pub source_map: emit::SourceMap,
}

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Decodes a source file as UTF-8 text, reporting binary junk by line.
fn decode_text(bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    let line_at =
        |bytes: &[u8], offset: usize| bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        diags.error(
            line_at(&bytes, nul),
            "the file contains a NUL byte; it is binary, not text",
        );
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            diags.error(
                line_at(e.as_bytes(), offset),
                format!("the file is not UTF-8 text (invalid byte at offset {offset})"),
            );
            None
        }
    }
}

/// Generates the spec from the raw bytes of the document and the overlay.
pub fn generate_from_bytes(
    document: Vec<u8>,
    overlay: Vec<u8>,
) -> Result<Generated, Vec<Diagnostic>> {
    generate_named_bytes((DOCUMENT, document), (OVERLAY, overlay))
}

/// [`generate_from_bytes`], with the file names diagnostics name.
fn generate_named_bytes(
    (document_name, document): (&str, Vec<u8>),
    (overlay_name, overlay): (&str, Vec<u8>),
) -> Result<Generated, Vec<Diagnostic>> {
    let mut md = Diagnostics::for_file(document_name);
    let mut ov = Diagnostics::for_file(overlay_name);
    let document = decode_text(document, &mut md);
    let overlay = decode_text(overlay, &mut ov);
    match (document, overlay) {
        (Some(document), Some(overlay)) => {
            generate_named((document_name, &document), (overlay_name, &overlay))
        }
        _ => {
            md.extend(ov);
            Err(md.into_vec())
        }
    }
}

/// Generates the spec from the document and overlay texts.
pub fn generate_from_texts(document: &str, overlay: &str) -> Result<Generated, Vec<Diagnostic>> {
    generate_named((DOCUMENT, document), (OVERLAY, overlay))
}

/// [`generate_from_texts`], with the file names diagnostics name.
fn generate_named(
    (document_name, document): (&str, &str),
    (overlay_name, overlay): (&str, &str),
) -> Result<Generated, Vec<Diagnostic>> {
    let mut md = Diagnostics::for_file(document_name);
    let mut ov = Diagnostics::for_file(overlay_name);
    let doc = document::parse(document, &mut md);
    let overlay = overlay::parse(overlay, &mut ov);
    let (Some(doc), Some(overlay)) = (doc, overlay) else {
        md.extend(ov);
        return Err(md.into_vec());
    };
    let emitted = emit::emit(&doc, &overlay, &mut md, &mut ov);
    md.extend(ov);
    if md.has_errors() {
        return Err(md.into_vec());
    }
    let spec: openapiv3::OpenAPI = match serde_json::from_value(emitted.spec) {
        Ok(spec) => spec,
        Err(e) => {
            md.error(
                0,
                format!("the assembled spec is not valid OpenAPI 3.0: {e}"),
            );
            return Err(md.into_vec());
        }
    };
    lint::lint(&spec, &emitted.source_map, &mut md);
    let source_map = emitted.source_map;
    if md.has_errors() {
        return Err(md.into_vec());
    }
    let mut json = match serde_json::to_string_pretty(&spec) {
        Ok(json) => json,
        Err(e) => {
            md.error(0, format!("cannot serialize the spec: {e}"));
            return Err(md.into_vec());
        }
    };
    json.push('\n');
    Ok(Generated {
        spec,
        json,
        warnings: md.into_vec(),
        source_map,
    })
}

/// The two inputs of a spec: a document in Roblox's feature-page format (any
/// file name) and the overlay of facts it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The Markdown document.
    pub document: PathBuf,
    /// The overlay (YAML).
    pub overlay: PathBuf,
}

impl Sources {
    /// `inventories.md` and `overlay.yaml` in `dir` (the layout of `spec/source/`).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            document: dir.join(DOCUMENT),
            overlay: dir.join(OVERLAY),
        }
    }
}

/// Generates the spec from a `spec/source/` directory.
pub fn generate(source_dir: &Path) -> Result<Generated, Vec<Diagnostic>> {
    generate_sources(&Sources::in_dir(source_dir))
}

/// Generates the spec from a document and an overlay; diagnostics name the
/// files as given.
pub fn generate_sources(sources: &Sources) -> Result<Generated, Vec<Diagnostic>> {
    let read = |path: &Path| {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => Ok((name, bytes)),
            Err(e) => Err(Diagnostic {
                severity: Severity::Error,
                file: name.clone(),
                line: 0,
                message: format!("cannot read {name}: {e}"),
            }),
        }
    };
    match (read(&sources.document), read(&sources.overlay)) {
        (Ok((dn, document)), Ok((on, overlay))) => {
            generate_named_bytes((&dn, document), (&on, overlay))
        }
        (document, overlay) => Err(document.err().into_iter().chain(overlay.err()).collect()),
    }
}

/// Where the api crate's package keeps its copy of the spec (its build script
/// generates from it, so the published crate builds without the workspace).
pub const PACKAGE_SPEC: &str = "crates/roblox-inventory-api/openapi.json";

/// Keeps `copy` byte-identical to `spec`: writes it, or with `check` reports
/// whether it is (and writes nothing).
pub fn sync_package_copy(
    spec: &Path,
    copy: &Path,
    check: bool,
    log: &mut dyn std::io::Write,
) -> Result<bool, String> {
    let wanted = std::fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let current = std::fs::read(copy).unwrap_or_default();
    if current == wanted {
        return Ok(true);
    }
    if check {
        let _ = writeln!(
            log,
            "error: {} differs from {}; run `cargo xtask spec`",
            copy.display(),
            spec.display()
        );
        return Ok(false);
    }
    std::fs::write(copy, wanted).map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
    let _ = writeln!(log, "wrote {}", copy.display());
    Ok(true)
}

/// `cargo xtask spec`: generates the spec from `source`, checks that progenitor
/// accepts it, then writes it to `out` or, with `check`, compares it with `out`
/// and prints a unified diff when it is stale. Findings go to `log`. Returns
/// whether the command succeeded; `Err` only for I/O failures on `out`.
pub fn spec_command(
    source: &Path,
    out: &Path,
    check: bool,
    log: &mut dyn std::io::Write,
) -> Result<bool, String> {
    spec_command_for(&Sources::in_dir(source), out, check, log)
}

/// [`spec_command`] for a document and an overlay anywhere, under any names.
pub fn spec_command_for(
    sources: &Sources,
    out: &Path,
    check: bool,
    log: &mut dyn std::io::Write,
) -> Result<bool, String> {
    let generated = match generate_sources(sources) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                let _ = writeln!(log, "{diagnostic}");
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let _ = writeln!(log, "spec generation failed with {errors} error(s)");
            return Ok(false);
        }
    };
    for warning in &generated.warnings {
        let _ = writeln!(log, "{warning}");
    }
    // progenitor panics on some spec shapes; catch that here rather than in
    // build.rs, at the line of the operation that causes it.
    if let Err(e) = roblox_inventory_codegen::generate(&generated.spec) {
        let line = match &e {
            roblox_inventory_codegen::CodegenError::PanickedAt { operation, .. } => {
                generated.source_map.operations.get(operation).copied()
            }
            _ => None,
        };
        let _ = match line {
            Some(line) => writeln!(log, "{}:{line}: error: {e}", sources.document.display()),
            None => writeln!(
                log,
                "{}: error: the spec is valid OpenAPI but progenitor cannot generate a client from it: {e}",
                sources.document.display()
            ),
        };
        return Ok(false);
    }

    let current = std::fs::read_to_string(out).unwrap_or_default();
    if check {
        if current == generated.json {
            let _ = writeln!(log, "{} is up to date", out.display());
            return Ok(true);
        }
        let diff = similar::TextDiff::from_lines(&current, &generated.json);
        let _ = write!(
            log,
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("{} (checked in)", out.display()),
                &format!("generated from {}", sources.document.display())
            )
        );
        let _ = writeln!(
            log,
            "\n{} is stale: run `cargo xtask spec` and commit the result",
            out.display()
        );
        return Ok(false);
    }
    if current != generated.json {
        std::fs::write(out, &generated.json)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        let _ = writeln!(log, "wrote {}", out.display());
    } else {
        let _ = writeln!(log, "{} is already up to date", out.display());
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
