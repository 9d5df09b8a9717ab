//! Whole-pipeline tests on small documents: what the Markdown says reaches the
//! spec, and every kind of broken input gives a line-numbered error, never a panic.

use serde_json::Value;

use super::*;

const DOC: &str = r#"---
name: "Mini"
api_base_url: "https://apis.example.com"
endpoints: 2
auth: [api-key, cookie]
---

# Mini

Things for tests.

## Authentication

- **API Key**: Pass your key in the `x-api-key` HTTP header.
- **Cookie** *(not recommended)*: `.ROBLOSECURITY` cookie.

## Endpoints

### GET `/v1/things/{thingId}` [BETA]

Get Thing

Gets one thing.

**Auth:** API Key (`x-api-key` header) or Cookie (`.ROBLOSECURITY`)

**Parameters:**

| Name | In | Type | Required | Description |
|------|-----|------|----------|-------------|
| `thingId` | path | `integer` | Yes | The thing. |
| `kind` | query | `0 \| 1` | No | The kind. Valid values: `0`, `1` |

**Responses:**

- `200`: OK → `Thing`
- `400`: 1: Bad thing. 2: Worse thing.

**Response example:**
```json
{"id": "...", "tags": ["..."]}
```

**Rate Limits:** perIp: 5/second

### DELETE `/v2/things/{thingId}` *(deprecated)*

Deletes a thing.

**Server:** `https://legacy.example.com`

**Auth:** Cookie (`.ROBLOSECURITY`)

**Parameters:**

| Name | In | Type | Required | Description |
|------|-----|------|----------|-------------|
| `thingID` | path | `integer` | Yes | The thing. |

**Responses:**

- `200`: OK → `boolean`

## Models

### Thing

A thing.

| Property | Type | Required | Description |
|----------|------|----------|-------------|
| `id` | `integer` | No | The id. |
| `tags` | `string[]` | No | Its tags. |
"#;

const OVERLAY_TEXT: &str = r#"
hosts:
  - url: https://apis.example.com
    tag: cloud
    description: Cloud things.
    operation_ids: summary
    operation_id_prefix: Cloud_
    source: test
  - url: https://legacy.example.com
    tag: legacy
    description: Legacy things.
    operation_ids: method-path
    source: test
security_schemes:
  - id: api-key
    name: key
    source: test
  - id: cookie
    name: cookie
    source: test
enums:
  - name: ThingKind
    used_by:
      - GET /v1/things/{thingId} kind
    description: A kind of thing.
    names: {0: Small, 1: Large}
    source: test
rate_limits:
  - operation: DELETE /v2/things/{thingId}
    limits: {perIp: 10/minute, perCookie: 5/minute}
    source: test
cookie_operations:
  - operations:
      - GET /v1/things/{thingId}
    cookie: required
    csrf: none
    source: test
  - operations:
      - DELETE /v2/things/{thingId}
    cookie: required
    csrf: none
    source: test
"#;

fn ok(doc: &str) -> Generated {
    match generate_from_texts(doc, OVERLAY_TEXT) {
        Ok(generated) => generated,
        Err(diagnostics) => panic!("expected success, got {diagnostics:#?}"),
    }
}

fn errors(doc: &str) -> Vec<Diagnostic> {
    match generate_from_texts(doc, OVERLAY_TEXT) {
        Ok(_) => panic!("expected errors, the document was accepted"),
        Err(diagnostics) => diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    }
}

/// The 1-based line of the first line containing `needle`.
fn line_of(doc: &str, needle: &str) -> usize {
    doc.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in doc"))
}

/// Asserts one error at `line` whose message contains `text`.
fn assert_error(doc: &str, line: usize, text: &str) {
    let errors = errors(doc);
    assert!(
        errors
            .iter()
            .any(|d| d.line == line && d.message.contains(text)),
        "no error at line {line} containing `{text}`: {errors:#?}"
    );
}

fn json(generated: &Generated) -> Value {
    serde_json::from_str(&generated.json).expect("spec is JSON")
}

#[test]
fn the_document_drives_operations_parameters_and_responses() {
    let spec = json(&ok(DOC));
    let get = &spec["paths"]["/v1/things/{thingId}"]["get"];
    assert_eq!(get["operationId"], "Cloud_GetThing");
    assert_eq!(get["summary"], "Get Thing");
    assert_eq!(get["description"], "Gets one thing.");
    assert_eq!(get["x-roblox-stability"], "BETA");
    assert_eq!(
        get["x-roblox-rate-limits"]["perIp"],
        serde_json::json!({"maxInPeriod": 5, "period": "SECOND"})
    );
    assert_eq!(get["servers"][0]["url"], "https://apis.example.com");
    assert_eq!(
        get["security"],
        serde_json::json!([{"key": []}, {"cookie": []}])
    );
    assert_eq!(
        get["parameters"][1]["schema"]["$ref"],
        "#/components/schemas/ThingKind"
    );
    assert_eq!(
        spec["components"]["schemas"]["ThingKind"]["x-enum-varnames"],
        serde_json::json!(["Small", "Large"])
    );
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
    assert_eq!(
        get["x-roblox-error-codes"],
        serde_json::json!([
            {"status": 400, "code": 1, "message": "Bad thing."},
            {"status": 400, "code": 2, "message": "Worse thing."}
        ])
    );
    assert_eq!(
        get["responses"]["400"]["content"]["*/*"]["schema"],
        serde_json::json!({})
    );
    assert!(get["responses"]["4XX"].is_object() && get["responses"]["5XX"].is_object());
    let delete = &spec["paths"]["/v2/things/{thingId}"]["delete"];
    assert_eq!(delete["operationId"], "DeleteV2Things");
    assert_eq!(delete["deprecated"], true);
    assert_eq!(delete["servers"][0]["url"], "https://legacy.example.com");
    assert_eq!(delete["tags"][0], "legacy");
    assert_eq!(
        delete["responses"]["200"]["content"]["application/json"]["schema"]["type"],
        "boolean"
    );
    assert_eq!(
        spec["components"]["schemas"]["Thing"]["properties"]["tags"]["items"]["type"],
        "string"
    );
    assert_eq!(
        spec["components"]["securitySchemes"]["cookie"]["in"],
        "cookie"
    );
}

#[test]
fn changing_the_document_changes_the_spec() {
    let before = ok(DOC).json;
    let edited = DOC.replace(
        "| The thing. |\n| `kind`",
        "| The thing, edited. |\n| `kind`",
    );
    let after = ok(&edited).json;
    assert_ne!(before, after);
    assert!(after.contains("The thing, edited."));
    let added = DOC.replace(
        "| `kind` | query |",
        "| `extra` | query | `string` | No | New. |\n| `kind` | query |",
    );
    let spec = json(&ok(&added));
    assert_eq!(
        spec["paths"]["/v1/things/{thingId}"]["get"]["parameters"][1]["name"],
        "extra"
    );
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let first = ok(DOC).json;
    for _ in 0..3 {
        assert_eq!(ok(DOC).json, first);
    }
    assert!(first.ends_with("}\n") && !first.ends_with("\n\n"));
}

#[test]
fn a_path_variable_spelled_differently_is_reconciled_with_a_warning() {
    let generated = ok(DOC);
    let row = line_of(DOC, "| `thingID` |");
    // The heading says {thingId}; the table says thingID: the path wins by position.
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("does not match the path"))
        .expect("a reconciliation warning");
    assert_eq!(warning.line, row);
    let spec = json(&generated);
    let delete = &spec["paths"]["/v2/things/{thingId}"]["delete"];
    assert_eq!(delete["parameters"][0]["name"], "thingId");
}

#[test]
fn empty_and_binary_input_are_errors_with_lines() {
    let empty = generate_from_bytes(Vec::new(), OVERLAY_TEXT.into()).unwrap_err();
    assert!(
        empty
            .iter()
            .any(|d| d.line == 1 && d.message.contains("empty")),
        "{empty:#?}"
    );
    let mut junk = b"line one\nline two\n".to_vec();
    junk.extend([0u8, 159, 146, 150]);
    let binary = generate_from_bytes(junk, OVERLAY_TEXT.into()).unwrap_err();
    assert!(
        binary
            .iter()
            .any(|d| d.line == 3 && d.message.contains("NUL")),
        "{binary:#?}"
    );
    let latin1 = generate_from_bytes(b"ok\n\xe9t\xe9\n".to_vec(), OVERLAY_TEXT.into()).unwrap_err();
    assert!(
        latin1
            .iter()
            .any(|d| d.line == 2 && d.message.contains("UTF-8")),
        "{latin1:#?}"
    );
}

#[test]
fn missing_front_matter_and_sections_are_errors() {
    let no_front = DOC.split_once("---\n\n").unwrap().1;
    assert!(errors(no_front)
        .iter()
        .any(|d| d.message.contains("front matter")));
    let bad_yaml = DOC.replace("endpoints: 2", "endpoints: [2");
    assert_error(&bad_yaml, 1, "front matter is invalid");
    let no_models = DOC.split("## Models").next().unwrap().to_string();
    assert!(errors(&no_models)
        .iter()
        .any(|d| d.message.contains("missing `## Models`")));
    let no_endpoints = DOC.replace("## Endpoints", "## Operations");
    assert!(errors(&no_endpoints)
        .iter()
        .any(|d| d.message.contains("missing `## Endpoints`")));
    let miscounted = DOC.replace("endpoints: 2", "endpoints: 9");
    assert_error(&miscounted, 2, "describes 2");
}

/// One broken document: replace `from` with `to` (once), then expect an error
/// containing `message` on the line of the result that contains `at`.
struct Case {
    from: &'static str,
    to: &'static str,
    at: &'static str,
    message: &'static str,
}

const fn case(
    from: &'static str,
    to: &'static str,
    at: &'static str,
    message: &'static str,
) -> Case {
    Case {
        from,
        to,
        at,
        message,
    }
}

fn assert_cases(cases: &[Case]) {
    for case in cases {
        assert!(
            DOC.contains(case.from),
            "the fixture no longer contains `{}`",
            case.from
        );
        let doc = DOC.replacen(case.from, case.to, 1);
        assert_error(&doc, line_of(&doc, case.at), case.message);
    }
}

#[test]
fn broken_tables_name_the_row() {
    assert_cases(&[
        case(
            "| Yes | The thing. |\n| `kind`",
            "| Yes | The | thing. |\n| `kind`",
            "| The | thing.",
            "has 6 cells but the header has 5",
        ),
        case(
            "|------|-----|------|----------|-------------|\n",
            "",
            "| Name | In |",
            "malformed",
        ),
        case(
            "| Name | In |",
            "| Nom | In |",
            "| Nom | In |",
            "no `Name` column",
        ),
        case(
            "| Yes | The thing. |",
            "| Maybe | The thing. |",
            "| Maybe |",
            "Required must be Yes or No",
        ),
        case(
            "| `thingId` | path |",
            "| `thingId` | body |",
            "| body |",
            "not a location",
        ),
        case(
            "**Parameters:**\n\n|",
            "**Parameters:**\n\nSee below.\n\n|",
            "**Parameters:**",
            "expected a parameter table",
        ),
    ]);
}

#[test]
fn unknown_types_and_undefined_models_are_errors() {
    assert_cases(&[
        case(
            "| `integer` | Yes | The thing. |",
            "| `int eger` | Yes | The thing. |",
            "int eger",
            "unknown type",
        ),
        case(
            "OK → `Thing`",
            "OK → `Roblox.Nowhere.Model`",
            "Roblox.Nowhere",
            "defined neither under `## Models` nor in the overlay",
        ),
        case(
            "Valid values: `0`, `1`",
            "Valid values: `0`, `2`",
            "Valid values",
            "lists 0, 1 but `Valid values:` lists 0, 2",
        ),
        case(
            "`0 \\| 1`",
            "`integer enum (3 values)`",
            "enum (3 values)",
            "says 3 values but the description lists 2",
        ),
    ]);
}

#[test]
fn endpoint_structure_errors_name_the_line() {
    assert_cases(&[
        case(
            "### GET `/v1",
            "### FETCH `/v1",
            "FETCH",
            "not an HTTP method",
        ),
        case(
            "### GET `/v1/things/{thingId}`",
            "### GET `/v1/things/{thingId`",
            "### GET",
            "without `}`",
        ),
        case(
            "| `thingId` | path | `integer` | Yes | The thing. |\n",
            "",
            "### GET",
            "has no row in the parameter table",
        ),
        case(
            "| `kind` | query |",
            "| `kind` | cookie |",
            "| cookie |",
            "cookie parameter",
        ),
        case(
            "**Auth:** API Key (`x-api-key` header) or Cookie (`.ROBLOSECURITY`)\n",
            "",
            "### GET",
            "no **Auth:** line",
        ),
        case(
            "**Auth:** API Key (`x-api-key` header) or",
            "**Auth:** Carrier pigeon or",
            "Carrier pigeon",
            "not an authentication method",
        ),
        case(
            "- `400`: 1: Bad",
            "- `600`: 1: Bad",
            "`600`",
            "not an HTTP status",
        ),
        case(
            "- `400`: 1: Bad thing. 2: Worse thing.",
            "- `default`: Anything else.",
            "`default`",
            "progenitor panic",
        ),
        case(
            "perIp: 5/second",
            "perIp: five per second",
            "five per second",
            "should read `key: N/period`",
        ),
        case(
            "`https://legacy.example.com`",
            "`https://elsewhere.example.com`",
            "elsewhere",
            "no `hosts` entry",
        ),
        case(
            "`/v1/things/{thingId}` [BETA]",
            "`/v1/things/{thingId}` [BE TA]",
            "[BE TA]",
            "not a stability marker",
        ),
        case(
            "`/v1/things/{thingId}` [BETA]",
            "`/v1/things/{thingId}` (soon)",
            "(soon)",
            "unexpected text `(soon)`",
        ),
    ]);
    let duplicate = DOC
        .replace(
            "### DELETE `/v2/things/{thingId}` *(deprecated)*",
            "### GET `/v1/things/{thingId}`",
        )
        .replace("**Server:** `https://legacy.example.com`\n\n", "");
    assert_error(
        &duplicate,
        line_of(&duplicate, "Deletes a thing.") - 2,
        "described twice",
    );
}

#[test]
fn overlay_facts_need_sources_and_valid_schemas() {
    let unsourced = OVERLAY_TEXT.replacen("source: test", "source: \"\"", 1);
    let errors = generate_from_texts(DOC, &unsourced).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.file == OVERLAY && d.message.contains("empty `source`")),
        "{errors:#?}"
    );
    let stale = OVERLAY_TEXT.replace("- GET /v1/things/{thingId} kind", "- GET /v1/gone kind");
    let errors = generate_from_texts(DOC, &stale).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("not an enum parameter")),
        "{errors:#?}"
    );
    let stale_patch = format!(
        "{OVERLAY_TEXT}\nparameter_patches:\n  - parameter: GET /v1/gone cursor\n    required: false\n    source: test\n"
    );
    let errors = generate_from_texts(DOC, &stale_patch).unwrap_err();
    assert!(
        errors.iter().any(|d| d
            .message
            .contains("parameter patch `GET /v1/gone cursor` matches no parameter")),
        "{errors:#?}"
    );
    let broken = generate_from_texts(DOC, "hosts: [").unwrap_err();
    assert!(
        broken
            .iter()
            .any(|d| d.file == OVERLAY && d.message.contains("overlay is invalid")),
        "{broken:#?}"
    );
}

/// The operation table (issue 17) needs a rate limit for every operation, and
/// the overlay's CSRF and private-inventory facts must name documented answers.
#[test]
fn operations_need_what_the_operation_table_needs() {
    let spec = json(&ok(DOC));
    let delete = &spec["paths"]["/v2/things/{thingId}"]["delete"];
    assert_eq!(
        delete["x-roblox-rate-limits"],
        serde_json::json!({
            "perCookie": {"maxInPeriod": 5, "period": "MINUTE"},
            "perIp": {"maxInPeriod": 10, "period": "MINUTE"}
        })
    );
    let at = |overlay: &str, needle: &str| {
        overlay
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    // No limit anywhere: the document's endpoint line.
    let unlimited = OVERLAY_TEXT.replace("rate_limits:", "old_rate_limits_removed:");
    let unlimited = unlimited
        .split("old_rate_limits_removed:")
        .next()
        .unwrap()
        .to_string();
    let errors = generate_from_texts(DOC, &unlimited).unwrap_err();
    let delete_line = line_of(DOC, "### DELETE `/v2/things/{thingId}`");
    assert!(
        errors.iter().any(|d| d.file == DOCUMENT
            && d.line == delete_line
            && d.message.contains("has no rate limit")),
        "{errors:#?}"
    );
    // An entry for no operation, and a coded private answer the document does
    // not list: the overlay's line.
    let stale = format!(
        "{}private_inventory:\n  - operation: GET /v1/things/{{thingId}}\n    status: 403\n    code: 9\n    source: test\n",
        OVERLAY_TEXT.replacen(
            "rate_limits:\n",
            "rate_limits:\n  - operation: GET /v9/gone\n    limits: {perIp: 1/second}\n    source: test\n",
            1
        )
    );
    let errors = generate_from_texts(DOC, &stale).unwrap_err();
    for (needle, text) in [
        ("operation: GET /v9/gone", "matches no operation"),
        (
            "operation: GET /v1/things/{thingId}",
            "is not a response the document lists",
        ),
    ] {
        let line = at(&stale, needle);
        assert!(
            errors
                .iter()
                .any(|d| d.file == OVERLAY && d.line == line && d.message.contains(text)),
            "{text} at {line}: {errors:#?}"
        );
    }
    // A CSRF exchange whose refusal the operation does not document.
    let csrf = OVERLAY_TEXT.replacen(
        "      - DELETE /v2/things/{thingId}\n    cookie: required\n    csrf: none",
        "      - DELETE /v2/things/{thingId}\n    cookie: required\n    \
         csrf: {header: x-csrf-token, status: 403, code: 0}",
        1,
    );
    assert_ne!(csrf, OVERLAY_TEXT);
    let errors = generate_from_texts(DOC, &csrf).unwrap_err();
    assert!(
        errors.iter().any(|d| d.line == delete_line
            && d.message.contains("needs the X-CSRF-TOKEN exchange")),
        "{errors:#?}"
    );
}

/// The page format writes every cookie the same way: each cookie operation's
/// facts are stated by name, or the xtask asks for them (issue 18).
#[test]
fn cookie_operations_are_stated_or_asked_for() {
    let spec = json(&ok(DOC));
    let get = &spec["paths"]["/v1/things/{thingId}"]["get"];
    assert_eq!(
        get["security"],
        serde_json::json!([{"key": []}, {"cookie": []}])
    );
    let optional = OVERLAY_TEXT.replacen(
        "      - GET /v1/things/{thingId}\n    cookie: required",
        "      - GET /v1/things/{thingId}\n    cookie: optional",
        1,
    );
    let spec = json(&generate_from_texts(DOC, &optional).unwrap());
    assert_eq!(
        spec["paths"]["/v1/things/{thingId}"]["get"]["security"],
        serde_json::json!([{}, {"key": []}, {"cookie": []}])
    );
    // Unstated: the error names the endpoint's line.
    let unstated = OVERLAY_TEXT.replacen(
        "      - GET /v1/things/{thingId}\n",
        "      - GET /v9/not-this-one\n",
        1,
    );
    let errors = generate_from_texts(DOC, &unstated).unwrap_err();
    let get_line = line_of(DOC, "### GET `/v1/things/{thingId}`");
    assert!(
        errors.iter().any(|d| d.file == DOCUMENT
            && d.line == get_line
            && d.message.contains("cookie_operations")),
        "{errors:#?}"
    );
    // Named twice, or naming no cookie operation: the overlay's line.
    let twice = format!(
        "{OVERLAY_TEXT}  - operations:\n      - GET /v1/things/{{thingId}}\n    cookie: optional\n    csrf: none\n    source: test\n"
    );
    let errors = generate_from_texts(DOC, &twice).unwrap_err();
    assert!(
        errors.iter().any(|d| d.message.contains("more than one")),
        "{errors:#?}"
    );
    let stray = format!(
        "{OVERLAY_TEXT}  - operations:\n      - GET /v9/gone\n    cookie: optional\n    csrf: none\n    source: test\n"
    );
    let errors = generate_from_texts(DOC, &stray).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.file == OVERLAY && d.message.contains("GET /v9/gone")),
        "{errors:#?}"
    );
    // `csrf` must be stated.
    let silent = OVERLAY_TEXT.replacen("    csrf: none\n", "", 1);
    assert!(generate_from_texts(DOC, &silent).is_err());
}

#[test]
fn response_examples_must_fit_their_model() {
    let extra = DOC.replace(
        r#"{"id": "...", "tags": ["..."]}"#,
        r#"{"id": "...", "colour": "..."}"#,
    );
    assert_error(
        &extra,
        line_of(&extra, "```json"),
        "`Thing` has no property `colour`",
    );
    let broken = DOC.replace(r#"{"id": "...", "tags": ["..."]}"#, r#"{"id": "...",,}"#);
    assert_error(&broken, line_of(&broken, "```json") + 1, "not valid JSON");
}

#[test]
fn lints_report_progenitor_limits_at_the_endpoint_line() {
    // Two success bodies of different kinds.
    let two = DOC.replace(
        "- `200`: OK → `Thing`",
        "- `200`: OK → `Thing`\n- `201`: Created → `boolean`",
    );
    assert_error(&two, line_of(&two, "### GET"), "one success body kind");
}

/// Truncating or mangling the real document anywhere must give errors, never a panic.
#[test]
fn mangled_real_documents_never_panic() {
    let root = workspace_root().join("spec/source");
    let document = std::fs::read_to_string(root.join(DOCUMENT)).expect("document");
    let overlay = std::fs::read_to_string(root.join(OVERLAY)).expect("overlay");
    let mut cut = 0;
    let step = (document.len() / 100).max(1);
    while cut < document.len() {
        if document.is_char_boundary(cut) {
            let _ = generate_from_texts(&document[..cut], &overlay);
            let mut spliced = document[..cut].to_string();
            spliced.push_str("| ` | *[ ](#x) ``` \n### \n**Parameters:**\n");
            spliced.push_str(&document[cut..]);
            let _ = generate_from_texts(&spliced, &overlay);
        }
        cut += step;
    }
    for cut in (0..overlay.len()).step_by((overlay.len() / 60).max(1)) {
        if overlay.is_char_boundary(cut) {
            let _ = generate_from_texts(&document, &overlay[..cut]);
        }
    }
}

/// `cargo xtask spec` writes the spec; `--check` passes on a fresh file and
/// fails with a unified diff on a stale one.
#[test]
fn spec_command_writes_and_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(DOCUMENT), DOC).unwrap();
    std::fs::write(dir.path().join(OVERLAY), OVERLAY_TEXT).unwrap();
    let out = dir.path().join("openapi.json");
    let mut log = Vec::new();

    assert!(
        !spec_command(dir.path(), &out, true, &mut log).unwrap(),
        "a missing file is stale"
    );
    assert!(spec_command(dir.path(), &out, false, &mut log).unwrap());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), ok(DOC).json);
    log.clear();
    assert!(spec_command(dir.path(), &out, true, &mut log).unwrap());
    assert!(String::from_utf8_lossy(&log).contains("up to date"));

    let edited = DOC.replace("Its tags.", "Its labels.");
    std::fs::write(dir.path().join(DOCUMENT), edited).unwrap();
    log.clear();
    assert!(!spec_command(dir.path(), &out, true, &mut log).unwrap());
    let log = String::from_utf8_lossy(&log);
    assert!(
        log.lines()
            .any(|l| l.starts_with('-') && l.contains("\"Its tags.\"")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.starts_with('+') && l.contains("\"Its labels.\"")),
        "{log}"
    );
    assert!(log.contains("is stale: run `cargo xtask spec`"), "{log}");

    std::fs::write(dir.path().join(DOCUMENT), "").unwrap();
    let mut log = Vec::new();
    assert!(!spec_command(dir.path(), &out, false, &mut log).unwrap());
    assert!(
        String::from_utf8_lossy(&log).contains("inventories.md:1: error: the document is empty")
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Lines made of the pieces the format is built from, in any order.
    fn markdown_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("---".to_string()),
            Just("## Endpoints".to_string()),
            Just("## Models".to_string()),
            Just("### GET `/v1/things/{thingId}`".to_string()),
            Just("**Parameters:**".to_string()),
            Just("**Responses:**".to_string()),
            Just("| Name | In | Type | Required | Description |".to_string()),
            Just("|------|-----|------|----------|-------------|".to_string()),
            Just("- `200`: OK → `Thing`".to_string()),
            Just("```json".to_string()),
            Just("```".to_string()),
            Just("    ## Authentication".to_string()),
            "[ -~]{0,40}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Any document made of format pieces gives a spec or line-numbered errors, never a panic.
        #[test]
        fn any_document_gives_a_spec_or_errors(lines in proptest::collection::vec(markdown_line(), 0..40)) {
            let document = lines.join("\n");
            if let Err(diagnostics) = generate_from_texts(&document, OVERLAY_TEXT) {
                prop_assert!(diagnostics.iter().any(|d| d.severity == Severity::Error));
                let lines = document.lines().count().max(1);
                prop_assert!(diagnostics.iter().all(|d| d.line <= lines + 1), "{diagnostics:#?}");
            }
        }

        /// Arbitrary bytes are refused cleanly.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = generate_from_bytes(bytes, OVERLAY_TEXT.as_bytes().to_vec());
        }
    }
}

/// More of the page format (issue 18): an empty `**Auth:**` line, values that
/// start with a digit, `true | false`, links to other pages' operations.
#[test]
fn more_of_the_page_format_converts() {
    let overlay_without_delete = OVERLAY_TEXT.replacen(
        "  - operations:\n      - DELETE /v2/things/{thingId}\n    cookie: required\n    csrf: none\n    source: test\n",
        "",
        1,
    );
    assert_ne!(overlay_without_delete, OVERLAY_TEXT);
    let doc = DOC
        .replacen("**Auth:** Cookie (`.ROBLOSECURITY`)", "**Auth:** ", 1)
        .replacen(
            "| `kind` | query |",
            "| `size` | query | `150x150 \\| 420x420` | No | The size. |\n| `flag` | query | `true \\| false` | No | A flag. |\n| `kind` | query |",
            1,
        )
        .replacen(
            "Things for tests.",
            "Things for tests; see [another page's operation](#Badges_GetBadge).",
            1,
        );
    let generated = generate_from_texts(&doc, &overlay_without_delete).expect("converts");
    let spec = json(&generated);
    let delete = &spec["paths"]["/v2/things/{thingId}"]["delete"];
    assert_eq!(delete["security"], serde_json::json!([]), "no credential");
    let params = spec["paths"]["/v1/things/{thingId}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}: {params:#?}"))
    };
    assert_eq!(
        param("size")["schema"]["$ref"],
        "#/components/schemas/CloudGetThingSize"
    );
    assert_eq!(
        spec["components"]["schemas"]["CloudGetThingSize"]["enum"],
        serde_json::json!(["150x150", "420x420"])
    );
    assert_eq!(param("flag")["schema"]["type"], "boolean");
    assert!(
        generated
            .warnings
            .iter()
            .any(|w| w.message.contains("#Badges_GetBadge")),
        "an unknown anchor is a warning: {:#?}",
        generated.warnings
    );
    // `0 | Foo` is still ambiguous.
    let mixed = DOC.replacen("`0 \\| 1`", "`0 \\| Foo`", 1);
    assert!(generate_from_texts(&mixed, OVERLAY_TEXT).is_err());
}

/// operationIds are never empty and never name one generated method twice.
#[test]
fn operation_ids_are_never_empty_or_alike() {
    let no_summary = DOC.replacen("Get Thing\n\nGets one thing.\n\n", "", 1);
    assert_ne!(no_summary, DOC);
    let errors = generate_from_texts(&no_summary, OVERLAY_TEXT).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("has no summary line")),
        "{errors:#?}"
    );
    assert_eq!(
        roblox_inventory_codegen::operations::method_name("Cloud_GetAllIconsForABadge"),
        "cloud_get_all_icons_for_a_badge"
    );
}

/// Any document name: `cargo xtask spec --document FILE --overlay FILE`, and
/// diagnostics name the files as given.
#[test]
fn documents_and_overlays_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources {
        document: dir.path().join("badges.md"),
        overlay: dir.path().join("badges-facts.yaml"),
    };
    std::fs::write(&sources.document, DOC).unwrap();
    std::fs::write(&sources.overlay, OVERLAY_TEXT).unwrap();
    let out = dir.path().join("badges.json");
    let mut log = Vec::new();
    assert!(spec_command_for(&sources, &out, false, &mut log).unwrap());
    let log = String::from_utf8(log).unwrap();
    assert!(
        log.contains(&format!("{}:", sources.document.display())),
        "warnings name the document: {log}"
    );
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("Cloud_GetThing"));
    std::fs::write(&sources.overlay, "hosts: [").unwrap();
    let mut log = Vec::new();
    assert!(!spec_command_for(&sources, &out, true, &mut log).unwrap());
    assert!(
        String::from_utf8(log)
            .unwrap()
            .contains(&format!("{}:", sources.overlay.display())),
        "errors name the overlay"
    );
}

/// A query parameter whose type is a model makes progenitor panic: refused
/// first, at the endpoint's line, naming the operation and the parameter.
#[test]
fn a_model_as_a_query_parameter_is_refused_with_its_location() {
    let doc = DOC.replacen(
        "| `kind` | query |",
        "| `shape` | query | `Thing` | No | A thing as a filter. |\n| `kind` | query |",
        1,
    );
    let line = line_of(&doc, "### GET `/v1/things/{thingId}`");
    let errors = generate_from_texts(&doc, OVERLAY_TEXT).unwrap_err();
    assert!(
        errors.iter().any(|d| d.line == line
            && d.message
                .contains("operation `Cloud_GetThing`: parameter `shape`")),
        "{errors:#?}"
    );
}

/// Every enum becomes a named component, wherever the document defines it, so
/// the generated type keeps values Roblox adds later (issue 18 item 2).
#[test]
fn enums_in_models_and_parameters_are_named_components() {
    let doc = DOC
        .replacen(
            "| `tags` | `string[]` | No | Its tags. |",
            "| `tags` | `string[]` | No | Its tags. |\n| `size` | `small \\| large` | No | Its size. |\n| `grades` | `integer enum (2 values)` | No | Its grades. Valid values: `1`, `2` |",
            1,
        )
        .replacen(
            "| `kind` | query |",
            "| `order` | query | `Asc \\| Desc` | No | The order. |\n| `kind` | query |",
            1,
        );
    let generated = generate_from_texts(&doc, OVERLAY_TEXT).expect("converts");
    let spec = json(&generated);
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["ThingSize"]["enum"],
        serde_json::json!(["small", "large"])
    );
    assert_eq!(
        spec["components"]["schemas"]["Thing"]["properties"]["size"]["allOf"][0]["$ref"],
        "#/components/schemas/ThingSize"
    );
    assert_eq!(
        schemas["CloudGetThingOrder"]["enum"],
        serde_json::json!(["Asc", "Desc"])
    );
    assert_eq!(schemas["ThingGrades"]["enum"], serde_json::json!([1, 2]));
    let code = roblox_inventory_codegen::generate(&generated.spec).expect("generates");
    assert!(
        code.contains("V1,") && code.contains("pub enum ThingGrades"),
        "unnamed numbers"
    );
    for tolerant in [
        "pub enum ThingSize",
        "pub enum CloudGetThingOrder",
        "pub enum ThingGrades",
    ] {
        let at = code
            .find(tolerant)
            .unwrap_or_else(|| panic!("{tolerant} in the code"));
        assert!(
            code[at..].lines().take(12).any(|l| l.contains("Unknown(")),
            "{tolerant} keeps unknown values"
        );
    }
}

/// `**Request Body:**` (issue 18 item 1): a JSON body typed by a model becomes
/// `requestBody` and a builder argument; its example is checked against the
/// model; a media type progenitor cannot send is refused at its line.
#[test]
fn request_bodies_convert() {
    let post = "### POST `/v1/things`\n\nCreate Thing\n\nCreates a thing.\n\n\
        **Auth:** API Key (`x-api-key` header)\n\n\
        **Request Body:** `application/json` — Type: `Thing`\n\n\
        See [Thing](#thing) in Models.\n\n\
        **Request example:**\n```json\n{\"id\": 1, \"tags\": [\"a\"]}\n```\n\n\
        **Responses:**\n\n- `200`: OK → `Thing`\n\n\
        **Rate Limits:** perApiKeyOwner: 10/minute\n\n";
    let doc = DOC.replacen("endpoints: 2", "endpoints: 3", 1).replacen(
        "### DELETE",
        &format!("{post}### DELETE"),
        1,
    );
    let generated = generate_from_texts(&doc, OVERLAY_TEXT).expect("converts");
    let spec = json(&generated);
    let body = &spec["paths"]["/v1/things"]["post"]["requestBody"];
    assert_eq!(body["required"], true);
    assert_eq!(
        body["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
    let code = roblox_inventory_codegen::generate(&generated.spec).expect("generates");
    let builder = code.find("pub struct CloudCreateThing").expect("a builder");
    assert!(
        code[builder..].contains("pub fn body<V>"),
        "the builder takes the body"
    );

    let wrong = doc.replacen(
        "{\"id\": 1, \"tags\": [\"a\"]}",
        "{\"id\": 1, \"colour\": \"red\"}",
        1,
    );
    let errors = generate_from_texts(&wrong, OVERLAY_TEXT).unwrap_err();
    assert!(
        errors.iter().any(|d| d
            .message
            .contains("the request example does not fit `Thing`")),
        "{errors:#?}"
    );
}

/// A `multipart/form-data` body (issue 18 item 1): the page shows its fields
/// only by example, so the overlay states each part; without it the body's
/// line asks for it, and the example and the statement must name the same parts.
#[test]
fn form_bodies_convert_from_the_overlays_parts() {
    let post = "### POST `/v1/things/{thingId}/icon`\n\nUpload Thing Icon\n\nSets the icon.\n\n\
        **Auth:** API Key (`x-api-key` header)\n\n**Parameters:**\n\n\
        | Name | In | Type | Required | Description |\n|---|---|---|---|---|\n\
        | `thingId` | path | `integer` | Yes | The thing. |\n\n\
        **Request Body:** `multipart/form-data` — Type: `object`\n\n\
        **Request example:**\n```json\n{\"request\": {\"id\": 1}, \"caption\": \"Hi\", \"imageFile\": \"<binary>\"}\n```\n\n\
        **Responses:**\n\n- `200`: OK → `Thing`\n\n\
        **Rate Limits:** perApiKeyOwner: 10/minute\n\n";
    let doc = DOC.replacen("endpoints: 2", "endpoints: 3", 1).replacen(
        "### DELETE",
        &format!("{post}### DELETE"),
        1,
    );
    let line = line_of(&doc, "**Request Body:**");
    let errors = generate_from_texts(&doc, OVERLAY_TEXT).unwrap_err();
    assert!(
        errors.iter().any(|d| d.line == line
            && d.message
                .contains("operation `Cloud_UploadThingIcon`: request body `multipart/form-data`")
            && d.message.contains("form_bodies")),
        "{errors:#?}"
    );

    let form = "form_bodies:\n  - operation: POST /v1/things/{thingId}/icon\n    parts:\n      \
        - {name: request, kind: json, type: Thing, required: true}\n      \
        - {name: caption, kind: text}\n      \
        - {name: imageFile, kind: file, required: true}\n    source: https://example.com/things\n";
    let overlay = format!("{OVERLAY_TEXT}{form}");
    let generated = generate_from_texts(&doc, &overlay).expect("converts");
    let spec = json(&generated);
    let media = &spec["paths"]["/v1/things/{thingId}/icon"]["post"]["requestBody"]["content"]
        ["multipart/form-data"];
    assert_eq!(
        media["schema"]["properties"],
        serde_json::json!({
            "request": {"$ref": "#/components/schemas/Thing"},
            "caption": {"type": "string"},
            "imageFile": {"type": "string", "format": "binary"},
        })
    );
    assert_eq!(
        media["schema"]["required"],
        serde_json::json!(["request", "imageFile"])
    );
    assert_eq!(
        media["encoding"],
        serde_json::json!({"request": {"contentType": "application/json"}})
    );
    // The generated builder takes the encoded form as its body.
    let code = roblox_inventory_codegen::generate(&generated.spec).expect("generates");
    let builder = code
        .find("pub struct CloudUploadThingIcon")
        .expect("a builder");
    assert!(
        code[builder..].contains("pub fn body<B>"),
        "the builder takes the body"
    );
    // The operation table records the parts, for `Form` and the hooks.
    use roblox_inventory_codegen::forms::{PartFacts, PartKind};
    let table = roblox_inventory_codegen::operations::table(&generated.spec).unwrap();
    let upload = table
        .operations
        .iter()
        .find(|o| o.operation_id == "Cloud_UploadThingIcon")
        .expect("in the table");
    let part = |name: &str, kind, required| PartFacts {
        name: name.into(),
        kind,
        required,
    };
    assert_eq!(
        upload.form,
        Some(vec![
            part("request", PartKind::Json, true),
            part("caption", PartKind::Text, false),
            part("imageFile", PartKind::File, true),
        ])
    );
    let in_table = code
        .find("name: \"imageFile\"")
        .expect("the part in the table");
    assert!(code[in_table..]
        .lines()
        .take(3)
        .any(|l| l.contains("kind: PartKind::File")));

    // A part the example shows but the overlay does not state, and the reverse.
    let shown = doc.replacen("\"caption\": \"Hi\", ", "\"colour\": \"red\", ", 1);
    let errors = generate_from_texts(&shown, &overlay).unwrap_err();
    // The example's line is its code block's, under the label.
    let example_line = line_of(&shown, "**Request example:**") + 1;
    assert!(
        errors
            .iter()
            .any(|d| d.line == example_line && d.message.contains("part `colour`")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|d| d
            .message
            .contains("part `caption` is not in the page's request example")),
        "{errors:#?}"
    );
    // A form statement for an operation without a body, and a json part
    // without its model.
    let bodiless = overlay.replacen(
        "operation: POST /v1/things/{thingId}/icon",
        "operation: DELETE /v2/things/{thingId}",
        1,
    );
    let errors = generate_from_texts(&doc, &bodiless).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.message == "form_bodies: `DELETE /v2/things/{thingId}` has no request body"),
        "{errors:#?}"
    );
    let untyped = overlay.replacen("kind: json, type: Thing,", "kind: json,", 1);
    let errors = generate_from_texts(&doc, &untyped).unwrap_err();
    assert!(
        errors.iter().any(|d| d
            .message
            .contains("the json part `request` needs the `type`")),
        "{errors:#?}"
    );
}

/// How a query array goes on the wire is stated in the overlay or asked for;
/// `explode: false` (`ids=1,2`) reaches progenitor, which would repeat the key,
/// as text the caller joins.
#[test]
fn query_arrays_need_their_wire_style() {
    let doc = DOC.replacen(
        "| `kind` | query |",
        "| `ids` | query | `integer[]` | No | The ids. |\n| `kind` | query |",
        1,
    );
    let line = line_of(&doc, "| `ids` | query |");
    let errors = generate_from_texts(&doc, OVERLAY_TEXT).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.line == line && d.message.contains("explode: false")),
        "{errors:#?}"
    );
    for (explode, wanted) in [
        (true, "::std::vec::Vec<i64>"),
        (false, "::std::string::String"),
    ] {
        let overlay = format!(
            "{OVERLAY_TEXT}parameter_patches:\n  - parameter: GET /v1/things/{{thingId}} ids\n    explode: {explode}\n    source: test\n"
        );
        let generated = generate_from_texts(&doc, &overlay).expect("converts");
        let spec = json(&generated);
        let ids = spec["paths"]["/v1/things/{thingId}"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "ids")
            .cloned()
            .unwrap();
        assert_eq!(ids["explode"], explode);
        assert_eq!(ids["schema"]["type"], "array", "the spec keeps the array");
        let code = roblox_inventory_codegen::generate(&generated.spec).unwrap();
        let builder = code.find("pub struct CloudGetThing<'a>").unwrap();
        assert!(
            code[builder..]
                .lines()
                .take(12)
                .any(|l| l.contains("ids: Result<") && l.contains(wanted)),
            "explode: {explode}: ids takes {wanted}"
        );
    }
}

/// Formats and `null` in type cells reach the spec: `string (date-time)`
/// becomes the lenient timestamp, `T | null` a nullable T.
#[test]
fn formats_and_nulls_reach_the_spec() {
    let doc = DOC.replacen(
        "| `tags` | `string[]` | No | Its tags. |",
        "| `tags` | `string[]` | No | Its tags. |\n| `created` | `string (date-time)` | No | When. |\n| `note` | `string \\| null` | No | A note. |\n| `size` | `integer (int64) \\| null` | No | A size. |",
        1,
    );
    let generated = generate_from_texts(&doc, OVERLAY_TEXT).expect("converts");
    let spec = json(&generated);
    let props = &spec["components"]["schemas"]["Thing"]["properties"];
    assert_eq!(props["created"]["format"], "date-time");
    assert_eq!(props["note"]["nullable"], true);
    assert_eq!(props["size"]["format"], "int64");
    assert_eq!(props["size"]["nullable"], true);
    let code = roblox_inventory_codegen::generate(&generated.spec).unwrap();
    assert!(
        code.contains("crate::Timestamp"),
        "date-time is the lenient timestamp"
    );
    assert!(generate_from_texts(
        &DOC.replacen("`string[]`", "`string (date time)`", 1),
        OVERLAY_TEXT
    )
    .is_err());
}
