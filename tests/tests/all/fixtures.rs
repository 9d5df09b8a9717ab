//! Issue 18 item 4: documents of our own in Roblox's feature-page format
//! (`tests/fixtures/<name>/document.md`, with its `overlay.yaml`), covering the
//! grammar: several hosts, request bodies, an operation without a credential,
//! optional and required cookies with and without the X-CSRF-TOKEN exchange,
//! nested models, every enum shape, formats and nulls, query arrays, stability
//! markers, deprecation, error bodies with schemas and links to other pages.
//!
//! Each converts (its spec pinned by a snapshot and written to
//! `target/fixtures/<name>.json` for the external validator CI runs), its
//! generated client has no strict enum and builds as the api crate, and a
//! fixture's `program.rs` runs against that client (the game passes fixture
//! sends a `multipart/form-data` form).

use std::path::PathBuf;

use crate::root;

/// Every fixture: its name and directory.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            path.join("document.md").is_file().then_some((name, path))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures under tests/fixtures");
    found
}

/// The spec of a fixture, or its diagnostics as the panic message.
fn convert(dir: &std::path::Path) -> xtask::Generated {
    let sources = xtask::Sources {
        document: dir.join("document.md"),
        overlay: dir.join("overlay.yaml"),
    };
    xtask::generate_sources(&sources).unwrap_or_else(|d| panic!("{}: {d:#?}", dir.display()))
}

/// The generated `types` module: typify's own types live there, so a strict
/// enum (one that fails on a value Roblox adds) or a validated newtype would.
fn types_module(code: &str) -> &str {
    let start = code.find("pub mod types {").expect("a types module");
    let end = code[start..]
        .find("\n}\n")
        .map_or(code.len(), |at| start + at);
    &code[start..end]
}

#[test]
fn every_fixture_converts_and_generates_a_tolerant_client() {
    let out = root().join("target/fixtures");
    std::fs::create_dir_all(&out).expect("target/fixtures");
    for (name, dir) in fixtures() {
        let generated = convert(&dir);
        insta::assert_snapshot!(format!("fixture_{name}"), generated.json);
        std::fs::write(out.join(format!("{name}.json")), &generated.json).expect("written");
        let code = roblox_inventory_codegen::generate(&generated.spec)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let types = types_module(&code);
        assert!(
            !types.contains("pub enum"),
            "{name}: a strict enum in types"
        );
        assert!(
            !types.contains("invalid value"),
            "{name}: a validated newtype in types"
        );
        // Every operation is in the table under progenitor's own method name
        // (generate checks the names against progenitor's output).
        let table = roblox_inventory_codegen::operations::table(&generated.spec).unwrap();
        assert_eq!(
            table.operations.len(),
            generated.source_map.operations.len(),
            "{name}"
        );
        for operation in &table.operations {
            assert!(!operation.method_name.is_empty(), "{name}: an empty name");
            assert_eq!(
                operation.method_name,
                roblox_inventory_codegen::operations::method_name(&operation.operation_id),
                "{name}"
            );
        }
        // Every cookie operation's facts are the overlay's: what the spec says
        // of each is what its `cookie_operations` entry states.
        let overlay = std::fs::read_to_string(dir.join("overlay.yaml")).unwrap();
        for operation in table
            .operations
            .iter()
            .filter(|o| o.schemes.iter().any(|s| s.contains("cookie")))
        {
            let key = format!("      - {} {}", operation.method, operation.path);
            let entry = overlay
                .split("\n  - operations:\n")
                .find(|entry| entry.lines().any(|line| line == key))
                .unwrap_or_else(|| panic!("{name}: no cookie_operations entry names `{key}`"));
            assert_eq!(
                operation.anonymous,
                entry.contains("cookie: optional"),
                "{name}: {}",
                operation.operation_id
            );
            assert_eq!(
                operation.csrf.is_some(),
                !entry.contains("csrf: none"),
                "{name}: {}",
                operation.operation_id
            );
        }
    }
}

/// Each fixture's generated client builds as the api crate; a fixture with a
/// `program.rs` runs it against that client. The game passes fixture's sends a
/// form through the generated builder to a loopback server, which reads it
/// with a real multipart parser (multer), and tries raw bytes as the form,
/// which must be refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixtures_client_builds_and_sends_its_forms() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/game-passes/v1/universes/1/game-passes/7/icon"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"gamePassId": 7})),
        )
        .mount(&server)
        .await;
    let root = root();
    let checks: Vec<xtask::drill::ApiCrateCheck> = fixtures()
        .into_iter()
        .map(|(name, dir)| xtask::drill::ApiCrateCheck {
            spec: convert(&dir).json,
            program: std::fs::read_to_string(dir.join("program.rs"))
                .ok()
                .map(|source| (source, vec![server.uri()])),
            name,
        })
        .collect();
    assert!(
        checks.iter().any(|c| c.program.is_some()),
        "a fixture sends a form"
    );
    let outputs = tokio::task::spawn_blocking(move || {
        let _target = crate::DRILL_TARGET
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        xtask::drill::check_api_crate_with(
            &root,
            &root.join("target/drill/fixtures"),
            &root.join("target/drill"),
            &checks,
        )
    })
    .await
    .expect("the builds ran")
    .unwrap_or_else(|e| panic!("{e}"));

    let (_, output) = outputs
        .iter()
        .find(|(name, _)| name == "game-passes")
        .expect("the game passes program ran");
    assert!(output.lines().any(|l| l == "sent=7"), "{output}");
    assert!(
        output.lines().any(|l| l
            .starts_with("refused=GamePasses_UpdateGamePassIcon: the request body is not a Form")),
        "{output}"
    );
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 1, "the raw bytes were never sent");
    let request = &received[0];
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("a content type");
    assert_eq!(
        request.headers.get("x-api-key").map(|v| v.as_bytes()),
        None,
        "no executor, no credential"
    );
    let boundary =
        multer::parse_boundary(content_type).expect("multipart/form-data with a boundary");
    let body = bytes::Bytes::from(request.body.clone());
    let mut form = multer::Multipart::new(
        futures_util::stream::iter([Ok::<_, std::io::Error>(body)]),
        boundary,
    );
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed form") {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let media = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push((name, file_name, media, data));
    }
    assert_eq!(
        parts,
        vec![
            (
                "request".to_string(),
                None,
                Some("application/json".to_string()),
                br#"{"gamePassId":7,"name":"VIP"}"#.to_vec()
            ),
            (
                "caption".to_string(),
                None,
                None,
                "Shiny ✓".as_bytes().to_vec()
            ),
            (
                "imageFile".to_string(),
                Some("icon %221%22.png".to_string()),
                Some("image/png".to_string()),
                vec![0x89, b'P', b'N', b'G', 0, 255]
            ),
        ]
    );
}
