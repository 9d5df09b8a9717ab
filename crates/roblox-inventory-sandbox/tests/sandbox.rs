//! The sandbox over real HTTP on loopback, with plain reqwest. Every response
//! that is not a deliberately broken one is checked against spec/openapi.json:
//! its status must be documented for the operation and its body must match the
//! schema (a maintained JSON Schema validator, after the usual OpenAPI 3.0 →
//! JSON Schema rewrite of `nullable` and `$ref`).

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;
use roblox_inventory_sandbox::{Fault, Route, Sandbox, World};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------- conformance

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/openapi.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("spec/openapi.json"))
            .expect("JSON")
    })
}

/// OpenAPI 3.0 schema → JSON Schema (draft 7): `nullable` becomes a `null`
/// alternative and component refs point at `definitions`.
fn to_json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                match key.as_str() {
                    "nullable" => {}
                    "$ref" => {
                        let target = child
                            .as_str()
                            .unwrap_or_default()
                            .replace("#/components/schemas/", "#/definitions/");
                        out.insert(key.clone(), json!(target));
                    }
                    _ => {
                        out.insert(key.clone(), to_json_schema(child));
                    }
                }
            }
            if map.get("nullable") == Some(&json!(true)) {
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".into(), json!([t, "null"]));
                    }
                    _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The spec's path template for a concrete path.
fn template(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    spec()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segments.len()
                && ts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
        .cloned()
        .unwrap_or_else(|| panic!("{path} matches no documented path"))
}

/// Asserts a response is documented for the operation and its body fits the schema.
fn conforms(method: &Method, path: &str, status: u16, body: &[u8]) {
    let template = template(path);
    let op = &spec()["paths"][&template][method.as_str().to_ascii_lowercase()];
    assert!(op.is_object(), "{method} {template} is not documented");
    let responses = op["responses"].as_object().unwrap();
    let range = format!("{}XX", status / 100);
    let response = responses
        .get(&status.to_string())
        .or_else(|| responses.get(&range))
        .unwrap_or_else(|| panic!("{method} {template}: status {status} is not documented"));
    let mut content = response["content"].as_object().cloned().unwrap_or_default();
    // A success body the spec declares optional (`x-roblox-optional-body`) is
    // still checked against what Roblox documents (`x-roblox-body`).
    if let Some(schema) = response.get("x-roblox-body") {
        content.insert("application/json".into(), json!({"schema": schema}));
    }
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{method} {path} {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    if let Some(media) = content.get("application/json") {
        let root = json!({
            "definitions": to_json_schema(&spec()["components"]["schemas"]),
            "allOf": [to_json_schema(&media["schema"])],
        });
        let validator = jsonschema::draft7::new(&root).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: {errors:#?}\n{value:#}"
        );
    } else {
        // Error bodies are opaque in the spec; they must still be one of Roblox's shapes.
        let legacy = value["errors"].as_array().is_some_and(|e| {
            e.iter()
                .all(|e| e["code"].is_i64() && e["message"].is_string())
        });
        let cloud = value["code"].is_string() && value["message"].is_string();
        assert!(
            legacy || cloud,
            "{method} {path} {status}: not a Roblox error body: {value}"
        );
    }
}

// ---------------------------------------------------------------- harness

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

struct Harness {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Harness {
    async fn start(builder: roblox_inventory_sandbox::SandboxBuilder) -> Self {
        let sandbox = builder.start().await.expect("sandbox starts");
        Self {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    async fn default() -> Self {
        Self::start(Sandbox::builder().rate_limits(false)).await
    }

    async fn raw(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.http.request(
            method,
            format!("{}{path_and_query}", self.sandbox.base_url()),
        );
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request reaches the sandbox")
    }

    /// Sends a request and checks the response against the spec.
    async fn call(&self, method: Method, path_and_query: &str, headers: &[(&str, &str)]) -> Reply {
        let response = self.raw(method.clone(), path_and_query, headers).await;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let path = path_and_query.split('?').next().unwrap();
        conforms(&method, path, status, &bytes);
        Reply {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap(),
        }
    }

    async fn get(&self, path_and_query: &str, headers: &[(&str, &str)]) -> Reply {
        self.call(Method::GET, path_and_query, headers).await
    }
}

const KEY_156: (&str, &str) = ("x-api-key", "sandbox-key-builderman");
const KEY_261: (&str, &str) = ("x-api-key", "sandbox-key-shedletsky");
const COOKIE_156: (&str, &str) = ("cookie", ".ROBLOSECURITY=sandbox-cookie-builderman");
const COOKIE_261: (&str, &str) = ("cookie", ".ROBLOSECURITY=sandbox-cookie-shedletsky");

fn legacy_code(reply: &Reply) -> i64 {
    reply.body["errors"][0]["code"].as_i64().unwrap_or(-1)
}

/// Every item path of an Open Cloud listing, following page tokens.
async fn all_items(
    h: &Harness,
    user: u64,
    query: &str,
    headers: &[(&str, &str)],
) -> (Vec<String>, usize) {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!("/cloud/v2/users/{user}/inventory-items?{query}");
        if let Some(t) = &token {
            url.push_str(&format!("&pageToken={t}"));
        }
        let reply = h.get(&url, headers).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        pages += 1;
        items.extend(
            reply.body["inventoryItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["path"].as_str().unwrap().to_string()),
        );
        match reply.body.get("nextPageToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return (items, pages),
        }
    }
}

// ---------------------------------------------------------------- Open Cloud

#[tokio::test]
async fn every_endpoint_answers_the_default_world() {
    let h = Harness::default().await;
    assert_eq!(
        h.get("/v1/users/156/items/1/1111/is-owned", &[]).await.body,
        json!(true)
    );
    assert_eq!(
        h.get("/cloud/v2/users/156/inventory-items", &[KEY_156])
            .await
            .status,
        200
    );
    assert_eq!(
        h.get("/v1/users/156/assets/collectibles", &[]).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        !h.get("/v1/users/156/categories", &[]).await.body["categories"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.get(
            "/v1/users/156/places/inventory?placesTab=0&itemsPerPage=10&cursor=0",
            &[]
        )
        .await
        .body["data"][0]["placeId"],
        1818
    );
    assert_eq!(
        h.get("/v2/users/156/inventory/8", &[]).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        h.get("/v1/packages/607702162/assets", &[]).await.body,
        json!({"assetIds": [607785314u64, 607784987u64]})
    );
    let add = h
        .call(
            Method::POST,
            "/v1/collections/items/0/1028606",
            &[COOKIE_156],
        )
        .await;
    assert_eq!(
        (add.status, legacy_code(&add)),
        (403, 0),
        "first a CSRF challenge"
    );
    let del = h
        .call(
            Method::DELETE,
            "/v1/collections/items/0/1365767",
            &[COOKIE_156],
        )
        .await;
    assert_eq!(del.status, 403);
}

#[tokio::test]
async fn open_cloud_paging_loses_and_repeats_nothing() {
    let world = World::generated(3, 5_000, 250);
    let h = Harness::start(Sandbox::builder().world(world.clone()).rate_limits(false)).await;
    let user = world.user(5_000).unwrap();
    let expected = user.assets.len() + user.badges.len() + user.game_passes.len();
    for size in [7, 10, 100] {
        let (items, pages) = all_items(&h, 5_000, &format!("maxPageSize={size}"), &[KEY_156]).await;
        assert_eq!(items.len(), expected, "page size {size}");
        assert_eq!(
            items.iter().collect::<HashSet<_>>().len(),
            expected,
            "no repeats at page size {size}"
        );
        assert_eq!(pages, expected.div_ceil(size));
    }
    let first = h
        .get("/cloud/v2/users/5000/inventory-items", &[KEY_156])
        .await;
    assert_eq!(
        first.body["inventoryItems"].as_array().unwrap().len(),
        10,
        "default page size is 10"
    );
    let clamped = h
        .get(
            "/cloud/v2/users/5000/inventory-items?maxPageSize=1000",
            &[KEY_156],
        )
        .await;
    assert_eq!(
        clamped.body["inventoryItems"].as_array().unwrap().len(),
        100,
        "page size is clamped to 100"
    );
    let last = h
        .get(
            "/cloud/v2/users/156/inventory-items?maxPageSize=100",
            &[KEY_156],
        )
        .await;
    assert!(
        last.body.get("nextPageToken").is_none(),
        "the last page omits nextPageToken"
    );
}

#[tokio::test]
async fn the_empty_final_page_quirk_can_be_reproduced() {
    // builderman has 9 assets + 1 badge + 2 game passes = 12 items without private servers.
    let h = Harness::start(Sandbox::builder().rate_limits(false).empty_final_page(true)).await;
    let first = h.get("/cloud/v2/users/156/inventory-items?maxPageSize=12&filter=inventoryItemAssetTypes=*;badges=true;gamePasses=true", &[KEY_156]).await;
    assert_eq!(first.body["inventoryItems"].as_array().unwrap().len(), 12);
    let token = first.body["nextPageToken"]
        .as_str()
        .expect("a token on the full last page");
    let last = h
        .get(&format!("/cloud/v2/users/156/inventory-items?maxPageSize=12&filter=inventoryItemAssetTypes=*;badges=true;gamePasses=true&pageToken={token}"), &[KEY_156])
        .await;
    assert_eq!(
        last.body,
        json!({"inventoryItems": [], "nextPageToken": ""})
    );
}

#[tokio::test]
async fn page_tokens_are_bound_to_the_filter() {
    let h = Harness::default().await;
    let first = h
        .get(
            "/cloud/v2/users/156/inventory-items?maxPageSize=2&filter=inventoryItemAssetTypes=*",
            &[KEY_156],
        )
        .await;
    let token = first.body["nextPageToken"].as_str().unwrap().to_string();
    let same = h.get(&format!("/cloud/v2/users/156/inventory-items?maxPageSize=2&filter=inventoryItemAssetTypes=*&pageToken={token}"), &[KEY_156]).await;
    assert_eq!(same.status, 200);
    let changed = h.get(&format!("/cloud/v2/users/156/inventory-items?maxPageSize=2&filter=badges=true&pageToken={token}"), &[KEY_156]).await;
    assert_eq!(
        (changed.status, changed.body["code"].as_str()),
        (400, Some("INVALID_ARGUMENT"))
    );
    let garbage = h
        .get(
            "/cloud/v2/users/156/inventory-items?pageToken=%%%garbage",
            &[KEY_156],
        )
        .await;
    assert_eq!(
        (garbage.status, garbage.body["code"].as_str()),
        (400, Some("INVALID_ARGUMENT"))
    );
}

#[tokio::test]
async fn the_filter_grammar_selects_and_rejects() {
    let h = Harness::default().await;
    let count = |reply: &Reply| {
        reply.body["inventoryItems"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    let list = |filter: &str| {
        format!("/cloud/v2/users/156/inventory-items?maxPageSize=100&filter={filter}")
    };
    assert_eq!(count(&h.get(&list("gamePasses=true"), &[KEY_156]).await), 2);
    assert_eq!(
        count(
            &h.get(&list("gamePasses=true;badges=true"), &[KEY_156])
                .await
        ),
        3
    );
    assert_eq!(
        count(
            &h.get(&list("inventoryItemAssetTypes=HAT"), &[KEY_156])
                .await
        ),
        3
    );
    assert_eq!(
        count(
            &h.get(
                &list("onlyCollectibles=true;inventoryItemAssetTypes=*"),
                &[KEY_156]
            )
            .await
        ),
        2
    );
    assert_eq!(
        count(&h.get(&list("onlyCollectibles=true"), &[KEY_156]).await),
        0,
        "needs inventoryItemAssetTypes"
    );
    assert_eq!(
        count(
            &h.get(
                &list("assetIds=1028606,1365767;gamePassIds=1111"),
                &[KEY_156]
            )
            .await
        ),
        3
    );
    assert_eq!(
        count(
            &h.get(&list("inventoryItemAssetTypes=CREATED_PLACE"), &[KEY_156])
                .await
        ),
        1
    );
    assert_eq!(
        count(&h.get(&list(""), &[KEY_156]).await),
        9 + 1 + 2 + 1,
        "an empty filter is everything"
    );
    for bad in [
        "assetIds=1;badges=true",
        "assetIds=one",
        "inventoryItemAssetTypes=HATS",
        "badges=maybe",
        "colour=red",
        "badges",
    ] {
        let reply = h.get(&list(bad), &[KEY_156]).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some("INVALID_ARGUMENT")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn private_inventories_need_the_owners_key_or_scope() {
    let h = Harness::default().await;
    let url = "/cloud/v2/users/261/inventory-items";
    assert_eq!(
        h.get(url, &[KEY_156]).await.status,
        403,
        "someone else's key"
    );
    assert_eq!(
        h.get(url, &[KEY_261]).await.status,
        200,
        "the owner's key with Inventory: Read"
    );
    assert_eq!(
        h.get(url, &[("x-api-key", "sandbox-key-no-inventory-read")])
            .await
            .status,
        403
    );
    assert_eq!(
        h.get(url, &[("authorization", "Bearer sandbox-oauth-shedletsky")])
            .await
            .status,
        200
    );
    assert_eq!(
        h.get(url, &[("authorization", "Bearer sandbox-oauth-no-scope")])
            .await
            .status,
        403
    );
    let denied = h.get(url, &[KEY_156]).await;
    assert_eq!(denied.body["code"], "PERMISSION_DENIED");
    let servers = h
        .get(
            "/cloud/v2/users/156/inventory-items?filter=privateServers=true",
            &[KEY_261],
        )
        .await;
    assert_eq!(
        servers.status, 403,
        "private servers need the Inventory read permission"
    );
    let own = h
        .get(
            "/cloud/v2/users/156/inventory-items?filter=privateServers=true",
            &[KEY_156],
        )
        .await;
    assert_eq!(
        own.body["inventoryItems"][0]["privateServerDetails"]["privateServerId"],
        "90001"
    );
    assert_eq!(h.get(url, &[]).await.status, 401, "no credential");
    assert_eq!(
        h.get(url, &[("x-api-key", "wrong")]).await.body["errors"][0]["message"],
        "Invalid API Key"
    );
    assert_eq!(
        h.get("/cloud/v2/users/abc/inventory-items", &[KEY_156])
            .await
            .status,
        400
    );
    assert_eq!(
        h.get("/cloud/v2/users/999999/inventory-items", &[KEY_156])
            .await
            .status,
        404
    );
}

// ---------------------------------------------------------------- legacy

#[tokio::test]
async fn legacy_paging_validates_limits_and_follows_cursors() {
    let world = World::generated(5, 7_000, 600);
    let h = Harness::start(Sandbox::builder().world(world.clone()).rate_limits(false)).await;
    let limiteds = world
        .user(7_000)
        .unwrap()
        .assets
        .iter()
        .filter(|c| world.asset(c.asset_id).unwrap().limited)
        .count();
    assert!(limiteds > 25);
    for order in ["Asc", "Desc"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let reply = h.get(&format!("/v1/users/7000/assets/collectibles?limit=25&sortOrder={order}&cursor={cursor}"), &[]).await;
            assert_eq!(reply.status, 200);
            seen.extend(
                reply.body["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["userAssetId"].as_u64().unwrap()),
            );
            match reply.body["nextPageCursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), limiteds);
        let mut sorted = seen.clone();
        sorted.sort();
        if order == "Desc" {
            sorted.reverse();
        }
        assert_eq!(seen, sorted, "sorted by userAssetId {order}");
    }
    let first = h
        .get("/v1/users/7000/assets/collectibles?limit=10", &[])
        .await;
    assert!(first.body["previousPageCursor"].is_null());
    let next = first.body["nextPageCursor"].as_str().unwrap();
    let second = h
        .get(
            &format!("/v1/users/7000/assets/collectibles?limit=10&cursor={next}"),
            &[],
        )
        .await;
    let previous = second.body["previousPageCursor"]
        .as_str()
        .expect("a way back");
    let back = h
        .get(
            &format!("/v1/users/7000/assets/collectibles?limit=10&cursor={previous}"),
            &[],
        )
        .await;
    assert_eq!(
        back.body["data"], first.body["data"],
        "previousPageCursor leads back to the first page"
    );
    for limit in ["20", "0", "-10", "1000000000000", "ten"] {
        let reply = h
            .get(
                &format!("/v1/users/7000/assets/collectibles?limit={limit}"),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "limit {limit}");
    }
    assert_eq!(
        h.get("/v1/users/7000/assets/collectibles?cursor=bogus", &[])
            .await
            .status,
        400
    );
    assert_eq!(
        h.get("/v1/users/7000/assets/collectibles?sortOrder=Sideways", &[])
            .await
            .status,
        400
    );
    assert_eq!(
        h.get("/v1/users/7000/assets/collectibles?assetType=14", &[])
            .await
            .status,
        400,
        "14 is unused"
    );
}

#[tokio::test]
async fn hidden_inventories_are_403_except_to_their_owner() {
    let h = Harness::default().await;
    let hidden = h.get("/v1/users/261/assets/collectibles", &[]).await;
    assert_eq!(
        (hidden.status, hidden.body["errors"][0]["message"].as_str()),
        (403, Some("The specified user's inventory is hidden."))
    );
    assert_eq!(
        h.get("/v1/users/261/assets/collectibles", &[COOKIE_261])
            .await
            .status,
        200
    );
    let v2 = h.get("/v2/users/261/inventory/19", &[COOKIE_156]).await;
    assert_eq!((v2.status, legacy_code(&v2)), (403, 4));
    assert_eq!(
        h.get("/v2/users/261/inventory/19", &[COOKIE_261])
            .await
            .body["data"][0]["assetId"],
        27112438
    );
    assert_eq!(
        legacy_code(&h.get("/v2/users/424242/inventory/8", &[]).await),
        1
    );
    assert_eq!(
        legacy_code(&h.get("/v2/users/156/inventory/15", &[]).await),
        2
    );
}

#[tokio::test]
async fn is_owned_answers_bare_booleans_and_documented_codes() {
    let h = Harness::default().await;
    assert_eq!(
        h.get("/v1/users/156/items/Asset/1365767/is-owned", &[])
            .await
            .body,
        json!(true)
    );
    assert_eq!(
        h.get("/v1/users/261/items/0/1365767/is-owned", &[])
            .await
            .body,
        json!(false)
    );
    assert_eq!(
        h.get("/v1/users/156/items/2/2124445684/is-owned", &[])
            .await
            .body,
        json!(true)
    );
    assert_eq!(
        h.get("/v1/users/156/items/Bundle/192/is-owned", &[])
            .await
            .body,
        json!(true)
    );
    assert_eq!(
        h.get("/v1/users/261/items/GamePass/1111/is-owned", &[])
            .await
            .body,
        json!(false)
    );
    for (path, code) in [
        ("/v1/users/999/items/0/1028606/is-owned", 1),
        ("/v1/users/156/items/1/424242/is-owned", 5),
        ("/v1/users/156/items/9/1/is-owned", 6),
        ("/v1/users/156/items/Hat/1/is-owned", 6),
        ("/v1/users/156/items/0/424242/is-owned", 7),
        ("/v1/users/156/items/2/1028606/is-owned", 10),
        ("/v1/users/156/items/3/424242/is-owned", 12),
    ] {
        let reply = h.get(path, &[]).await;
        assert_eq!((reply.status, legacy_code(&reply)), (400, code), "{path}");
    }
}

#[tokio::test]
async fn places_tabs_categories_and_packages() {
    let h = Harness::default().await;
    let purchased = "/v1/users/156/places/inventory?placesTab=3&itemsPerPage=10";
    let denied = h.get(purchased, &[]).await;
    assert_eq!((denied.status, legacy_code(&denied)), (403, 3));
    assert_eq!(
        h.get(purchased, &[COOKIE_156]).await.body["data"][0]["placeId"],
        606849621u64
    );
    assert_eq!(
        h.get(
            "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=10",
            &[]
        )
        .await
        .status,
        200
    );
    for bad in [
        "placesTab=9&itemsPerPage=10",
        "placesTab=0&itemsPerPage=0",
        "placesTab=0",
        "placesTab=0&itemsPerPage=10&cursor=x",
    ] {
        let reply = h
            .get(&format!("/v1/users/156/places/inventory?{bad}"), &[])
            .await;
        assert_eq!((reply.status, legacy_code(&reply)), (400, 6), "{bad}");
    }
    assert_eq!(h.get("/v1/users/1/categories", &[]).await.status, 200);
    assert_eq!(h.get("/v1/packages/1/assets", &[]).await.status, 400);
}

// ---------------------------------------------------------------- collections

async fn csrf(h: &Harness, method: Method, path: &str, cookie: (&str, &str)) -> String {
    let challenge = h.call(method, path, &[cookie]).await;
    assert_eq!((challenge.status, legacy_code(&challenge)), (403, 0));
    assert_eq!(
        challenge.body["errors"][0]["message"],
        "Token Validation Failed"
    );
    challenge.headers["x-csrf-token"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn collections_need_a_cookie_and_the_csrf_exchange_and_change_state() {
    let h = Harness::default().await;
    let path = "/v1/collections/items/0/1028606";
    let anonymous = h.call(Method::POST, path, &[]).await;
    assert_eq!((anonymous.status, legacy_code(&anonymous)), (401, 0));
    let token = csrf(&h, Method::POST, path, COOKIE_156).await;
    let added = h
        .call(Method::POST, path, &[COOKIE_156, ("x-csrf-token", &token)])
        .await;
    assert_eq!((added.status, &added.body), (200, &json!({})));
    let collection = |h: &Harness| {
        h.sandbox
            .world()
            .user(156)
            .unwrap()
            .collection
            .iter()
            .map(|e| e.id)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(collection(&h), BTreeSet::from([1_365_767, 1_028_606]));
    let again = h
        .call(Method::POST, path, &[COOKIE_156, ("x-csrf-token", &token)])
        .await;
    assert_eq!((again.status, legacy_code(&again)), (403, 7));
    let removed = h
        .call(
            Method::DELETE,
            path,
            &[COOKIE_156, ("x-csrf-token", &token)],
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(collection(&h), BTreeSet::from([1_365_767]));
    let gone = h
        .call(
            Method::DELETE,
            path,
            &[COOKIE_156, ("x-csrf-token", &token)],
        )
        .await;
    assert_eq!((gone.status, legacy_code(&gone)), (403, 8));
    let with = |p: &'static str| (p, token.clone());
    for ((path, token), status, code) in [
        (with("/v1/collections/items/7/1"), 400, 1),
        (with("/v1/collections/items/0/424242"), 400, 2),
        (with("/v1/collections/items/3/424242"), 400, 3),
        (with("/v1/collections/items/0/27112438"), 403, 4),
        (with("/v1/collections/items/0/1818"), 403, 5),
        (with("/v1/collections/items/1/1111"), 403, 6),
    ] {
        let reply = h
            .call(Method::POST, path, &[COOKIE_156, ("x-csrf-token", &token)])
            .await;
        assert_eq!(
            (reply.status, legacy_code(&reply)),
            (status, code),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_full_collection_is_code_9() {
    let mut world = World::default_world();
    world.collection_capacity = 1;
    let h = Harness::start(Sandbox::builder().world(world).rate_limits(false)).await;
    let path = "/v1/collections/items/0/1028606";
    let token = csrf(&h, Method::POST, path, COOKIE_156).await;
    let full = h
        .call(Method::POST, path, &[COOKIE_156, ("x-csrf-token", &token)])
        .await;
    assert_eq!((full.status, legacy_code(&full)), (403, 9));
}

#[tokio::test]
async fn csrf_tokens_rotate() {
    let h = Harness::start(Sandbox::builder().rate_limits(false).csrf_rotate_every(2)).await;
    let (add, remove) = (
        "/v1/collections/items/0/1028606",
        "/v1/collections/items/0/1028606",
    );
    let first = csrf(&h, Method::POST, add, COOKIE_156).await;
    assert_eq!(
        h.call(Method::POST, add, &[COOKIE_156, ("x-csrf-token", &first)])
            .await
            .status,
        200
    );
    assert_eq!(
        h.call(
            Method::DELETE,
            remove,
            &[COOKIE_156, ("x-csrf-token", &first)]
        )
        .await
        .status,
        200
    );
    let stale = h
        .call(Method::POST, add, &[COOKIE_156, ("x-csrf-token", &first)])
        .await;
    assert_eq!(stale.status, 403, "the token rotated after two uses");
    let second = stale.headers["x-csrf-token"].to_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(
        h.call(Method::POST, add, &[COOKIE_156, ("x-csrf-token", &second)])
            .await
            .status,
        200
    );
    h.sandbox.rotate_csrf_tokens();
    assert_eq!(
        h.call(
            Method::DELETE,
            remove,
            &[COOKIE_156, ("x-csrf-token", &second)]
        )
        .await
        .status,
        403
    );
}

// ---------------------------------------------------------------- rate limits

#[tokio::test]
async fn legacy_reads_are_counted_per_client_address_whoever_signs_in() {
    // Collectibles: 4 per second per address. A long "minute" (60 s real) and
    // windows from the start, so no window ends during the test.
    let h = Harness::start(Sandbox::builder().windows_from_start(true)).await;
    let url = "/v1/users/156/assets/collectibles";
    for headers in [&[][..], &[COOKIE_156][..], &[COOKIE_261][..], &[][..]] {
        assert_eq!(h.get(url, headers).await.status, 200);
    }
    let limited = h.get(url, &[COOKIE_156]).await;
    assert_eq!(
        limited.status, 429,
        "one address, one budget, cookie or not"
    );
    assert_eq!(h.sandbox.rate_limited(Route::Collectibles), 1);
    assert_eq!(
        limited.headers["x-ratelimit-remaining"].to_str().unwrap(),
        "0"
    );
    // Real minutes: resets in whole seconds, as Roblox sends them.
    assert!(!limited.headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .contains('.'));
}

#[tokio::test]
async fn rate_limits_follow_the_document_with_headers() {
    // Rate-limit time is held still, so the 122 requests below fall in one
    // window however slowly a busy machine answers them (the latency makes sure
    // they take longer than the window would on the clock), and the reset
    // comes when the test moves time on, not after a sleep.
    let h = Harness::start(
        Sandbox::builder()
            .rate_limit_minute(Duration::from_millis(4_000))
            .latency(Duration::from_millis(40))
            .held_windows(true),
    )
    .await;
    let url = "/cloud/v2/users/156/inventory-items";
    let oauth = ("authorization", "Bearer sandbox-oauth-shedletsky");
    let mut last = None;
    for n in 1..=20 {
        let reply = h.get("/cloud/v2/users/261/inventory-items", &[oauth]).await;
        assert_eq!(reply.status, 200, "request {n}");
        assert_eq!(
            reply.headers["x-ratelimit-remaining"].to_str().unwrap(),
            (20 - n).to_string()
        );
        last = Some(reply);
    }
    assert_eq!(
        last.unwrap().headers["x-ratelimit-limit"].to_str().unwrap(),
        "20, 20;w=4"
    );
    let limited = h.get("/cloud/v2/users/261/inventory-items", &[oauth]).await;
    assert_eq!(
        (limited.status, limited.body["code"].as_str()),
        (429, Some("RESOURCE_EXHAUSTED"))
    );
    assert!(limited.headers.contains_key("retry-after"));
    // The API key owner has a separate budget of 100.
    for _ in 0..100 {
        assert_eq!(h.get(url, &[KEY_156]).await.status, 200);
    }
    assert_eq!(h.get(url, &[KEY_156]).await.status, 429);
    let limited = h.get(url, &[KEY_156]).await;
    assert_eq!(
        limited.headers["x-ratelimit-reset"].to_str().unwrap(),
        "4.000"
    );
    assert!(h.sandbox.advance_windows(Duration::from_millis(3_999)));
    assert_eq!(h.get(url, &[KEY_156]).await.status, 429, "one ms is left");
    assert!(h.sandbox.advance_windows(Duration::from_millis(1)));
    assert_eq!(
        h.get(url, &[KEY_156]).await.status,
        200,
        "the window resets"
    );
    let legacy = h.get("/v1/users/156/categories", &[]).await;
    assert!(legacy.headers.contains_key("x-ratelimit-reset"));
}

// ---------------------------------------------------------------- faults

#[tokio::test]
async fn injected_faults_misbehave_once_each_then_recover() {
    let h = Harness::default().await;
    let url = "/v1/users/156/items/0/1028606/is-owned";
    for code in [500, 502, 503] {
        h.sandbox.inject(Route::IsOwned, Fault::Status(code), 1);
        assert_eq!(h.get(url, &[]).await.status, code);
    }
    h.sandbox.inject(
        Route::IsOwned,
        Fault::TooManyRequests {
            retry_after: Some(3),
        },
        1,
    );
    let limited = h.get(url, &[]).await;
    assert_eq!(
        (
            limited.status,
            limited.headers["retry-after"].to_str().unwrap()
        ),
        (429, "3")
    );
    h.sandbox.inject(
        Route::IsOwned,
        Fault::TooManyRequests { retry_after: None },
        1,
    );
    let bare = h.get(url, &[]).await;
    assert!(bare.status == 429 && !bare.headers.contains_key("retry-after"));

    h.sandbox
        .inject(Route::Collectibles, Fault::TruncatedJson, 1);
    let truncated = h
        .raw(Method::GET, "/v1/users/156/assets/collectibles", &[])
        .await;
    assert_eq!(truncated.status(), 200);
    assert!(serde_json::from_slice::<Value>(&truncated.bytes().await.unwrap()).is_err());
    h.sandbox
        .inject(Route::Collectibles, Fault::MalformedJson, 1);
    let malformed = h
        .raw(Method::GET, "/v1/users/156/assets/collectibles", &[])
        .await;
    assert!(serde_json::from_slice::<Value>(&malformed.bytes().await.unwrap()).is_err());
    h.sandbox
        .inject(Route::Collectibles, Fault::DropConnection, 1);
    let dropped = h
        .raw(Method::GET, "/v1/users/156/assets/collectibles", &[])
        .await;
    assert!(dropped.bytes().await.is_err(), "the body is cut off");

    h.sandbox
        .inject(Route::Categories, Fault::Stall(Duration::from_secs(5)), 1);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let stalled = impatient
        .get(format!("{}/v1/users/156/categories", h.sandbox.base_url()))
        .send()
        .await;
    assert!(stalled.is_err_and(|e| e.is_timeout()));

    h.sandbox
        .inject(Route::AddToCollection, Fault::OmitCsrfHeader, 1);
    let no_header = h
        .call(
            Method::POST,
            "/v1/collections/items/0/1028606",
            &[COOKIE_156],
        )
        .await;
    assert!(no_header.status == 403 && !no_header.headers.contains_key("x-csrf-token"));

    assert_eq!(
        h.get(url, &[]).await.body,
        json!(true),
        "faults are used up"
    );
    assert_eq!(
        h.get("/v1/users/156/assets/collectibles", &[]).await.status,
        200
    );
}

// ---------------------------------------------------------------- robustness

#[tokio::test]
async fn bad_requests_get_4xx_and_leave_the_state_intact() {
    let h = Harness::default().await;
    let before = h.sandbox.world();
    for (method, path) in [
        (Method::GET, "/v1/users/-1/items/0/1/is-owned"),
        (Method::GET, "/v1/users/99999999999999999999999/categories"),
        (Method::GET, "/v1/users/%00/assets/collectibles"),
        (
            Method::GET,
            "/v2/users/156/inventory/8?limit=-5&cursor=%FF%FE",
        ),
        (Method::GET, "/v1/packages/abc/assets"),
    ] {
        let reply = h.call(method.clone(), path, &[COOKIE_156]).await;
        assert!(
            (400..500).contains(&reply.status),
            "{method} {path} gave {}",
            reply.status
        );
    }
    // Methods the spec does not document: 405 with Allow and a Roblox error body.
    for (method, path, allow) in [
        (Method::PUT, "/v1/collections/items/0/1", "POST, DELETE"),
        (Method::PATCH, "/v1/users/156/categories", "GET"),
        (Method::GET, "/v1/collections/items/0/1", "POST, DELETE"),
    ] {
        let reply = h.raw(method.clone(), path, &[COOKIE_156]).await;
        assert_eq!(reply.status(), 405, "{method} {path}");
        assert_eq!(reply.headers()["allow"], allow);
        let body: Value = reply.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], 0);
    }
    let cloud = [
        "maxPageSize=-1",
        "maxPageSize=99999999999999999999999",
        "maxPageSize=ten",
        "filter=%3B%3B%3B",
        "pageToken=djEvMTAwMDAwMDAwMC8w",
    ];
    for query in cloud {
        let reply = h
            .get(
                &format!("/cloud/v2/users/156/inventory-items?{query}"),
                &[KEY_156],
            )
            .await;
        assert_eq!(reply.status, 400, "{query}");
    }
    let unknown = h.raw(Method::GET, "/nothing/here", &[]).await;
    assert_eq!(unknown.status(), 404);
    let oversized = h
        .raw(
            Method::GET,
            "/v1/users/156/categories",
            &[("x-padding", &"x".repeat(40_000))],
        )
        .await;
    assert_eq!(oversized.status(), 431);
    let enormous = h
        .http
        .get(format!("{}/v1/users/156/categories", h.sandbox.base_url()))
        .header("x-padding", "x".repeat(2_000_000))
        .send()
        .await;
    match enormous {
        Ok(response) => assert!(response.status().is_client_error(), "{}", response.status()),
        Err(e) => assert!(
            !e.is_timeout(),
            "the server refuses instead of hanging: {e}"
        ),
    }
    assert_eq!(
        h.sandbox.world(),
        before,
        "no bad request changed the world"
    );
    assert_eq!(
        h.get("/v1/users/156/items/0/1028606/is-owned", &[])
            .await
            .body,
        json!(true),
        "still serving"
    );
}

#[tokio::test]
async fn credentials_sent_to_the_wrong_host_are_recorded() {
    let h = Harness::default().await;
    h.get("/cloud/v2/users/156/inventory-items", &[KEY_156])
        .await;
    h.get("/v1/users/156/categories", &[COOKIE_156]).await;
    assert!(h.sandbox.credential_violations().is_empty());
    h.get(
        "/cloud/v2/users/156/inventory-items",
        &[KEY_156, COOKIE_156],
    )
    .await;
    h.get("/v1/users/156/categories", &[KEY_156]).await;
    let violations = h.sandbox.credential_violations();
    assert_eq!(violations.len(), 2, "{violations:?}");
    assert!(
        violations.iter().all(|v| !v.contains("sandbox-")),
        "violations never echo the secret"
    );
    assert_eq!(h.sandbox.requests(Route::Categories), 2);
}

/// Every numbered error the sandbox sends is one the document lists for that operation.
#[tokio::test]
async fn legacy_error_codes_are_the_documented_ones() {
    let documented = |template: &str, method: &str| -> BTreeSet<(u64, i64)> {
        spec()["paths"][template][method]["x-roblox-error-codes"]
            .as_array()
            .map(|codes| {
                codes
                    .iter()
                    .filter_map(|c| Some((c["status"].as_u64()?, c["code"].as_i64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let is_owned = documented(
        "/v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned",
        "get",
    );
    assert_eq!(is_owned.len(), 6);
    for code in [1, 5, 6, 7, 10, 12] {
        assert!(is_owned.contains(&(400, code)));
    }
    let add = documented("/v1/collections/items/{itemType}/{itemTargetId}", "post");
    for (status, code) in [
        (400, 1),
        (400, 2),
        (400, 3),
        (401, 0),
        (403, 0),
        (403, 4),
        (403, 5),
        (403, 6),
        (403, 7),
        (403, 9),
    ] {
        assert!(add.contains(&(status, code)), "{status} {code}");
    }
    let remove = documented("/v1/collections/items/{itemType}/{itemTargetId}", "delete");
    assert!(remove.contains(&(403, 8)));
    let places = documented("/v1/users/{userId}/places/inventory", "get");
    assert_eq!(places, BTreeSet::from([(400, 6), (403, 3)]));
    let v2 = documented("/v2/users/{userId}/inventory/{assetTypeId}", "get");
    assert_eq!(v2, BTreeSet::from([(400, 1), (400, 2), (403, 3), (403, 4)]));
}

// ---------------------------------------------------------------- the binary

/// Kills the child process when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_saves_loads_and_serves_a_world() {
    use std::io::BufRead;
    let binary = env!("CARGO_BIN_EXE_roblox-inventory-sandbox");
    let dir = std::env::temp_dir().join(format!("sandbox-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("world.json");
    let saved = std::process::Command::new(binary)
        .arg("--save-world")
        .arg(&file)
        .status()
        .unwrap();
    assert!(saved.success());
    assert_eq!(World::load(&file).unwrap(), World::default_world());

    let mut child = Child(
        std::process::Command::new(binary)
            .args(["--port", "0", "--world"])
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let first_line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    let base = first_line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{first_line}");
    let owned = reqwest::get(format!("{base}/v1/users/156/items/GamePass/1111/is-owned"))
        .await
        .unwrap();
    assert_eq!(owned.text().await.unwrap(), "true");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"users\": 1}").unwrap();
    let refused = std::process::Command::new(binary)
        .arg("--world")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not valid"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn hardening_11_numbers_from_requests_never_overflow() {
    let h = Harness::start(Sandbox::builder().rate_limits(false)).await;
    for cursor in ["18446744073709551615", "18446744073709551600"] {
        let reply = h
            .get(
                &format!(
                    "/v1/users/156/places/inventory?placesTab=0&itemsPerPage=100&cursor={cursor}"
                ),
                &[],
            )
            .await;
        assert_eq!(reply.status, 200, "a cursor past the end is an empty page");
        assert_eq!(reply.body["data"], serde_json::json!([]));
    }
}

#[tokio::test]
async fn hardening_11_the_violation_log_is_capped_and_counts_the_rest() {
    let h = Harness::start(Sandbox::builder().rate_limits(false)).await;
    let total = roblox_inventory_sandbox::MAX_VIOLATIONS_KEPT + 10;
    for _ in 0..total {
        h.get(
            "/cloud/v2/users/156/inventory-items",
            &[KEY_156, COOKIE_156],
        )
        .await;
    }
    assert_eq!(
        h.sandbox.credential_violations().len(),
        roblox_inventory_sandbox::MAX_VIOLATIONS_KEPT
    );
    assert_eq!(h.sandbox.credential_violation_count(), total as u64);
}

#[test]
fn hardening_12_any_request_gets_a_documented_answer_never_a_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = runtime.block_on(Harness::start(Sandbox::builder().rate_limits(false)));
    let templates: Vec<String> = spec()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let segment = prop_oneof![
        Just("156".to_string()),
        Just("261".to_string()),
        Just("1111".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("18446744073709551615".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("Asset".to_string()),
        Just("GamePass".to_string()),
        Just("Hat".to_string()),
        "[a-zA-Z0-9%._~-]{0,12}",
    ];
    let value = prop_oneof![
        "-?[0-9]{0,22}",
        "[a-zA-Z0-9=;,*_%+/-]{0,24}",
        Just("assetIds=1,2;badgeIds=3".to_string()),
        Just("dl8vMTIvNWY=".to_string()),
    ];
    let key = prop_oneof![
        Just("filter"),
        Just("maxPageSize"),
        Just("pageToken"),
        Just("cursor"),
        Just("limit"),
        Just("sortOrder"),
        Just("placesTab"),
        Just("itemsPerPage"),
        Just("assetType"),
        Just("other"),
    ];
    let credential = prop_oneof![
        Just(None),
        Just(Some(KEY_156)),
        Just(Some(KEY_261)),
        Just(Some(COOKIE_156)),
        Just(Some(("authorization", "Bearer sandbox-oauth-shedletsky"))),
        Just(Some(("x-api-key", "not-a-key"))),
    ];
    let method = prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::DELETE),
        Just(Method::PUT),
        Just(Method::HEAD),
    ];
    let strategy = (
        method,
        proptest::sample::select(templates),
        proptest::collection::vec(segment, 6),
        proptest::collection::vec((key, value), 0..4),
        credential,
    );
    let checked = std::cell::Cell::new(0usize);
    // A fixed seed: how many of the random requests land on documented
    // operations varies with the seed, and the count is asserted below (a
    // random seed once gave 49 of the 50 asked for).
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 300,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    runner
        .run(
            &strategy,
            |(method, template, segments, query, credential)| {
                let mut segments = segments.into_iter();
                let path: String = template
                    .split('/')
                    .map(|part| {
                        if part.starts_with('{') {
                            segments.next().unwrap_or_default()
                        } else {
                            part.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                let query: Vec<String> = query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.replace(' ', "%20")))
                    .collect();
                let url = format!("{path}?{}", query.join("&"));
                let headers: Vec<(&str, &str)> = credential.into_iter().collect();
                let (status, body) = runtime.block_on(async {
                    let response = h.raw(method.clone(), &url, &headers).await;
                    let status = response.status().as_u16();
                    (status, response.bytes().await.expect("a whole body"))
                });
                prop_assert!(
                    status < 500,
                    "{method} {url}: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                // A documented operation answers in its documented shapes.
                let documented = !path.split('/').skip(1).any(str::is_empty)
                    && spec()["paths"][&template][method.as_str().to_ascii_lowercase()].is_object()
                    && template == self::template(&path);
                if documented && method != Method::HEAD && ![404, 405, 431].contains(&status) {
                    conforms(&method, &path, status, &body);
                    checked.set(checked.get() + 1);
                }
                Ok(())
            },
        )
        .unwrap();
    assert!(
        checked.get() > 50,
        "{} responses checked against the spec",
        checked.get()
    );
}

// ---------------------------------------------------------------- documented commands

/// A sandbox binary started by a documented command, killed when dropped.
struct Running {
    child: std::process::Child,
    /// The port the page shows (`--port 8080`) and the base URL it really got.
    shown_port: String,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every `cargo run -p roblox-inventory-sandbox -- …` and `curl …` line in the
/// README and the guides (issue 20 item 2), in the order shown: a server
/// command starts the binary (on a free port instead of the one shown), a
/// `--save-world` one runs to its end in a scratch directory, and each `curl`
/// goes to the server started before it and must answer 200 (and print what
/// its comment says, when the comment is a JSON value).
#[tokio::test]
async fn documented_commands_run() {
    use std::io::BufRead;
    let binary = env!("CARGO_BIN_EXE_roblox-inventory-sandbox");
    let scratch = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(scratch.path().join("target")).unwrap();
    let mut server: Option<Running> = None;
    let mut ran = 0;
    let http = reqwest::Client::new();
    for command in roblox_inventory_tests::documented_commands() {
        let place = &command.place;
        if let Some(mut args) = command.args_after("cargo run -p roblox-inventory-sandbox --") {
            if args.iter().any(|a| a == "--save-world") {
                let status = std::process::Command::new(binary)
                    .args(&args)
                    .current_dir(scratch.path())
                    .status()
                    .unwrap();
                assert!(status.success(), "{place}: {}", command.line);
            } else {
                let at = args.iter().position(|a| a == "--port");
                let shown_port = at
                    .and_then(|at| args.get(at + 1).cloned())
                    .unwrap_or_else(|| "8080".into());
                match at {
                    Some(at) if at + 1 < args.len() => args[at + 1] = "0".into(),
                    _ => args.extend(["--port".into(), "0".into()]),
                }
                let mut child = std::process::Command::new(binary)
                    .args(&args)
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                let mut first = String::new();
                std::io::BufReader::new(child.stdout.take().unwrap())
                    .read_line(&mut first)
                    .unwrap();
                let base = first
                    .trim()
                    .rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                assert!(base.starts_with("http://127.0.0.1:"), "{place}: {first}");
                server = Some(Running {
                    child,
                    shown_port,
                    base,
                });
            }
            ran += 1;
        } else if let Some(args) = command.args_after("curl") {
            let running = server
                .as_ref()
                .unwrap_or_else(|| panic!("{place}: a curl before any sandbox is started"));
            let shown = format!("http://127.0.0.1:{}", running.shown_port);
            let mut request = None;
            let mut headers = Vec::new();
            let mut words = args.into_iter();
            while let Some(word) = words.next() {
                match word.as_str() {
                    "-H" => {
                        let header = words.next().expect("-H takes a header");
                        let (name, value) = header.split_once(':').expect("name: value");
                        headers.push((name.trim().to_string(), value.trim().to_string()));
                    }
                    url if url.starts_with(&shown) => {
                        request = Some(url.replacen(&shown, &running.base, 1));
                    }
                    other => panic!("{place}: curl option {other:?} is not run here"),
                }
            }
            let mut request = http.get(request.expect("a URL"));
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let reply = request.send().await.unwrap();
            assert_eq!(reply.status(), 200, "{place}: {}", command.line);
            let body: Value = reply.json().await.unwrap();
            if let Some(expected) = command
                .comment
                .as_deref()
                .and_then(|c| serde_json::from_str::<Value>(c).ok())
            {
                assert_eq!(body, expected, "{place}: {}", command.line);
            }
            ran += 1;
        }
    }
    assert!(ran >= 4, "the sandbox guide's commands were found ({ran})");
}

#[tokio::test]
async fn a_pass_lets_a_request_through_before_the_fault_that_follows_it() {
    let h = Harness::default().await;
    let url = "/v1/users/156/items/0/1028606/is-owned";
    h.sandbox.inject(Route::IsOwned, Fault::Pass, 1);
    h.sandbox.inject(Route::IsOwned, Fault::Status(503), 1);
    let statuses = [
        h.get(url, &[]).await.status,
        h.get(url, &[]).await.status,
        h.get(url, &[]).await.status,
    ];
    assert_eq!(statuses, [200, 503, 200]);
}

// ---------------------------------------------------------------- churn (issue 21 item 6)

#[tokio::test]
async fn the_world_changes_by_events_and_logs_each_one() {
    use roblox_inventory_sandbox::{ChurnError, Event};
    let h = Harness::default().await;
    // A trade moves builderman's Limited copy (serial 42) to Roblox, same copy id.
    let copy = h.sandbox.world().copy_with_serial(156, 42).unwrap();
    let traded = h
        .sandbox
        .apply(Event::Trade {
            user_asset_id: copy,
            from: 156,
            to: 1,
        })
        .unwrap();
    assert_eq!((traded.sequence, traded.serial_number), (1, Some(42)));
    let collectibles = h.get("/v1/users/1/assets/collectibles", &[]).await;
    assert!(
        collectibles.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["userAssetId"] == copy && c["serialNumber"] == 42),
        "{:?}",
        collectibles.body
    );
    // What cannot happen changes nothing and is not logged.
    let refused = h.sandbox.apply(Event::Trade {
        user_asset_id: copy,
        from: 156,
        to: 1,
    });
    assert!(
        matches!(refused, Err(ChurnError::NotHeld { user: 156, .. })),
        "{refused:?}"
    );
    let refund = h
        .sandbox
        .apply(Event::RefundGamePass {
            user_id: 156,
            game_pass_id: 1111,
        })
        .unwrap();
    assert_eq!(refund.sequence, 2);
    let owned = h
        .get("/v1/users/156/items/GamePass/1111/is-owned", &[])
        .await;
    assert_eq!(owned.body, json!(false));
    assert_eq!(h.sandbox.churn_log().len(), 2);

    // Seeded churn: the same seed and history give the same events.
    let other = Harness::default().await;
    let a = Harness::default().await.sandbox.churn(9, 40);
    let b = other.sandbox.churn(9, 40);
    assert_eq!(a, b);
    assert_eq!(a.len(), 40);
    assert_eq!(
        b.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>()
    );
    assert_ne!(
        other.sandbox.churn(9, 40),
        b,
        "the stream continues, never repeats"
    );
}

#[test]
fn the_binary_churns_its_world_and_prints_each_change() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roblox-inventory-sandbox"))
        .args([
            "--port",
            "0",
            "--minute-ms",
            "1000",
            "--churn",
            "100",
            "--churn-seed",
            "5",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let events: Vec<Value> = lines
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .take(3)
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    let sequences: Vec<_> = events.iter().map(|e| e["sequence"].as_u64()).collect();
    assert_eq!(sequences, [Some(1), Some(2), Some(3)], "{events:?}");
    assert!(events.iter().all(|e| e["event"]["event"].is_string()));
}
