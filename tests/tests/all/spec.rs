//! The emitted spec: fresh, valid, complete, and snapshotted per operation; the
//! generated client snapshotted; and the chain document → spec → code proven.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr};
use serde_json::{json, Value};

use crate::{checked_in_json, checked_in_spec, root};

/// The 9 operations of `spec/source/inventories.md`, read off the document by hand.
const DOCUMENTED: [(&str, &str); 9] = [
    ("get", "/cloud/v2/users/{user_id}/inventory-items"),
    ("post", "/v1/collections/items/{itemType}/{itemTargetId}"),
    ("delete", "/v1/collections/items/{itemType}/{itemTargetId}"),
    ("get", "/v1/packages/{packageId}/assets"),
    ("get", "/v1/users/{userId}/assets/collectibles"),
    ("get", "/v1/users/{userId}/categories"),
    (
        "get",
        "/v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned",
    ),
    ("get", "/v1/users/{userId}/places/inventory"),
    ("get", "/v2/users/{userId}/inventory/{assetTypeId}"),
];

fn operations(spec: &OpenAPI) -> Vec<(String, String, &Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, op)| (method.to_string(), path.clone(), op))
        })
        .collect()
}

fn operation(spec: &Value, method: &str, path: &str) -> Value {
    spec["paths"][path][method].clone()
}

#[test]
fn checked_in_spec_is_what_the_sources_generate() {
    let generated =
        xtask::generate(&root().join("spec/source")).unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(
        generated.json == checked_in_json(),
        "spec/openapi.json is stale: run `cargo xtask spec`"
    );
}

#[test]
fn the_api_package_carries_the_same_spec() {
    let copy = std::fs::read(root().join(xtask::PACKAGE_SPEC)).unwrap();
    assert!(
        copy == checked_in_json().into_bytes(),
        "{} differs from spec/openapi.json: run `cargo xtask spec`",
        xtask::PACKAGE_SPEC
    );
}

#[test]
fn spec_has_exactly_the_nine_documented_operations() {
    let spec = checked_in_spec();
    assert_eq!(spec.openapi, "3.0.3");
    let found: BTreeSet<(String, String)> = operations(&spec)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let documented: BTreeSet<(String, String)> = DOCUMENTED
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(found, documented);
    let ids: BTreeSet<String> = operations(&spec)
        .iter()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    assert_eq!(ids.len(), 9, "operationIds are unique: {ids:?}");
    assert!(
        ids.contains("Cloud_ListInventoryItems"),
        "Roblox's own id, linked from the document"
    );
}

#[test]
fn every_path_variable_is_declared() {
    let spec = checked_in_spec();
    for (method, path, op) in operations(&spec) {
        let declared: BTreeSet<String> = op
            .parameters
            .iter()
            .filter_map(ReferenceOr::as_item)
            .filter_map(|p| match p {
                Parameter::Path { parameter_data, .. } => Some(parameter_data.name.clone()),
                _ => None,
            })
            .collect();
        let variables: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(v, _)| v.to_string()))
            .collect();
        assert_eq!(declared, variables, "{method} {path}");
    }
}

#[test]
fn servers_security_and_markers_follow_the_document() {
    let spec: Value = serde_json::from_str(&checked_in_json()).unwrap();
    for (method, path) in DOCUMENTED {
        let op = operation(&spec, method, path);
        let host = if path.starts_with("/cloud/") {
            "https://apis.roblox.com"
        } else {
            "https://inventory.roblox.com"
        };
        assert_eq!(op["servers"], json!([{"url": host}]), "{method} {path}");
    }
    let list = operation(&spec, "get", "/cloud/v2/users/{user_id}/inventory-items");
    assert_eq!(
        list["security"],
        json!([{"roblox-api-key": []}, {"roblox-oauth2": ["user.inventory-item:read"]}])
    );
    assert_eq!(list["x-roblox-stability"], "BETA");
    assert_eq!(
        list["x-roblox-rate-limits"]["perOauth2Authorization"],
        json!({"maxInPeriod": 20, "period": "MINUTE"})
    );
    let add = operation(
        &spec,
        "post",
        "/v1/collections/items/{itemType}/{itemTargetId}",
    );
    assert_eq!(
        add["security"],
        json!([{"roblox-legacy-cookie": []}]),
        "collections need the cookie"
    );
    assert_eq!(
        add["x-roblox-csrf"],
        json!({"header": "x-csrf-token", "status": 403, "code": 0}),
        "the X-CSRF-TOKEN rule, from the overlay"
    );
    let owned = operation(
        &spec,
        "get",
        "/v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned",
    );
    assert_eq!(
        owned["security"],
        json!([{}, {"roblox-legacy-cookie": []}]),
        "legacy GETs allow anonymous calls"
    );
    assert_eq!(
        owned["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"type": "boolean"})
    );
    let codes: Vec<i64> = owned["x-roblox-error-codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [1, 5, 6, 7, 10, 12]);
    let packages = operation(&spec, "get", "/v1/packages/{packageId}/assets");
    assert_eq!(packages["deprecated"], true);
    assert_eq!(packages["parameters"][0]["name"], "packageId");
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(
        schemes["roblox-api-key"],
        json!({"type": "apiKey", "in": "header", "name": "x-api-key", "description": schemes["roblox-api-key"]["description"]})
    );
    assert_eq!(schemes["roblox-legacy-cookie"]["in"], "cookie");
    assert_eq!(
        schemes["roblox-oauth2"]["flows"]["authorizationCode"]["tokenUrl"],
        "https://apis.roblox.com/oauth/v1/token"
    );
    let asset_type = &spec["components"]["schemas"]["AssetType"];
    assert_eq!(
        asset_type["enum"].as_array().unwrap().len(),
        85,
        "the document lists 85 asset types"
    );
    assert_eq!(asset_type["x-enum-varnames"][7], "Hat");
}

/// One snapshot per operation keeps review diffs small.
#[test]
fn spec_snapshots_per_operation() {
    let spec: Value = serde_json::from_str(&checked_in_json()).unwrap();
    for (method, path) in DOCUMENTED {
        let op = operation(&spec, method, path);
        let id = op["operationId"].as_str().unwrap().to_string();
        insta::assert_json_snapshot!(format!("operation_{id}"), op);
    }
    let mut rest = spec.clone();
    rest.as_object_mut().unwrap().remove("paths");
    insta::assert_json_snapshot!("spec_without_paths", rest);
}

#[test]
fn generated_client_snapshot() {
    let code = roblox_inventory_codegen::generate(&checked_in_spec())
        .expect("progenitor generates the client");
    insta::assert_snapshot!("generated_client", code);
}

/// The body of a `.snap` file (after its `---` header).
fn snapshot_body(name: &str) -> String {
    let path = root().join(format!("tests/tests/all/snapshots/all__spec__{name}.snap"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = text.splitn(3, "---\n").nth(2).expect("snapshot header");
    body.to_string()
}

/// Editing one parameter description in the document changes spec/openapi.json
/// (so `cargo xtask spec --check` fails) and the generated code (so the
/// generated-client snapshot fails until it is reviewed and accepted).
#[test]
fn editing_a_parameter_description_reaches_the_spec_and_the_code_snapshot() {
    let source = root().join("spec/source");
    let dir = tempfile::tempdir().expect("temp dir");
    for file in [xtask::DOCUMENT, xtask::OVERLAY] {
        std::fs::copy(source.join(file), dir.path().join(file)).expect("copy source");
    }
    let document = std::fs::read_to_string(dir.path().join(xtask::DOCUMENT)).unwrap();
    let old = "| `itemTargetId` | path | `integer` | Yes | ID of the item in question |";
    assert!(
        document.contains(old),
        "the document still has the row this test edits"
    );
    let new =
        "| `itemTargetId` | path | `integer` | Yes | The asset, game pass, badge or bundle id |";
    std::fs::write(dir.path().join(xtask::DOCUMENT), document.replace(old, new)).unwrap();

    let out = dir.path().join("openapi.json");
    std::fs::write(&out, checked_in_json()).unwrap();
    let mut log = Vec::new();
    assert!(
        !xtask::spec_command(dir.path(), &out, true, &mut log).unwrap(),
        "--check must fail on the edit"
    );
    let log_text = String::from_utf8_lossy(&log).to_string();
    assert!(
        log_text
            .lines()
            .any(|l| l.starts_with('+')
                && l.contains("\"The asset, game pass, badge or bundle id\"")),
        "the diff shows the new description: {log_text}"
    );
    assert!(xtask::spec_command(dir.path(), &out, false, &mut log).unwrap());
    let edited_json = std::fs::read_to_string(&out).unwrap();
    assert_ne!(edited_json, checked_in_json());

    let original_code = roblox_inventory_codegen::generate(&checked_in_spec()).unwrap();
    assert_eq!(
        original_code.trim_end(),
        snapshot_body("generated_client").trim_end(),
        "the snapshot is current"
    );
    let edited_spec: OpenAPI = serde_json::from_str(&edited_json).unwrap();
    let edited_code = roblox_inventory_codegen::generate(&edited_spec).unwrap();
    assert!(edited_code.contains("The asset, game pass, badge or bundle id"));
    assert_ne!(
        edited_code.trim_end(),
        snapshot_body("generated_client").trim_end(),
        "the generated-client snapshot would fail until reviewed"
    );
}
