//! The generated client over real HTTP on loopback: requests go where the spec
//! says, success and error bodies survive, the executor hook sees every request,
//! and invalid enum values are refused before any I/O.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use futures_util::TryStreamExt;
use roblox_inventory_api::operations::{Host, Operation};
use roblox_inventory_api::{prelude::*, Client, Error, ExecuteFuture, Hooks, RequestExecutor};

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
}

/// Serves `responses` (status, body) one connection each on 127.0.0.1, then stops.
fn serve(
    responses: Vec<(u16, &'static str)>,
) -> (String, Arc<Mutex<Vec<Seen>>>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let handle = thread::spawn(move || {
        for (status, body) in responses {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut headers = Vec::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
                }
            }
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).unwrap();
            log.lock().unwrap().push(Seen {
                request_line: request_line.trim_end().to_string(),
                headers,
            });
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
    });
    (base, seen, handle)
}

#[tokio::test(flavor = "current_thread")]
async fn is_owned_decodes_a_bare_boolean_from_the_documented_path() {
    let (base, seen, server) = serve(vec![(200, "true")]);
    let client = Client::new_with_client(&base, reqwest::Client::new(), Hooks::default());
    let owned = client
        .get_v1_users_items_is_owned()
        .user_id(156)
        .item_type(1)
        .item_target_id(2000)
        .send()
        .await
        .expect("200 true")
        .into_inner();
    assert!(owned);
    server.join().unwrap();
    assert_eq!(
        seen.lock().unwrap()[0].request_line,
        "GET /v1/users/156/items/1/2000/is-owned HTTP/1.1"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn error_responses_keep_status_and_body() {
    let body = r#"{"errors":[{"code":7,"message":"The specified Asset does not exist!"}]}"#;
    let (base, _, server) = serve(vec![(400, body), (429, "")]);
    let client = Client::new_with_client(&base, reqwest::Client::new(), Hooks::default());
    for expected in [body, ""] {
        let error = client
            .get_v1_users_items_is_owned()
            .user_id(1)
            .item_type(0)
            .item_target_id(3)
            .send()
            .await
            .expect_err("an error status");
        let Error::ErrorResponse(response) = error else {
            panic!("not an ErrorResponse: {error:?}")
        };
        let status = response.status().as_u16();
        let chunks: Vec<_> = response
            .into_inner()
            .into_inner()
            .try_collect()
            .await
            .expect("body");
        assert_eq!(
            String::from_utf8(chunks.concat()).unwrap(),
            expected,
            "status {status}"
        );
        assert!(status == 400 || status == 429);
    }
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn the_deprecated_packages_path_uses_the_template_name() {
    let (base, seen, server) = serve(vec![(200, r#"{"assetIds":[1,2,3]}"#)]);
    let client = Client::new_with_client(&base, reqwest::Client::new(), Hooks::default());
    let ids = client
        .get_v1_packages_assets()
        .package_id(55)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ids.asset_ids, vec![1, 2, 3]);
    server.join().unwrap();
    assert_eq!(
        seen.lock().unwrap()[0].request_line,
        "GET /v1/packages/55/assets HTTP/1.1"
    );
}

/// Adds a header and records which operation each request was for, and the
/// host the client was bound to.
struct Recorder(Mutex<Vec<(Option<Operation>, Option<Host>)>>);

impl RequestExecutor for Recorder {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation: Option<Operation>,
        bound: Option<Host>,
    ) -> ExecuteFuture<'a> {
        self.0.lock().unwrap().push((operation, bound));
        request
            .headers_mut()
            .insert("x-test-hook", "1".parse().unwrap());
        Box::pin(client.execute(request))
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_executor_hook_sees_every_request() {
    let (base, seen, server) = serve(vec![(200, r#"{"inventoryItems":[],"nextPageToken":""}"#)]);
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    let client = Client::new_with_client(
        &base,
        reqwest::Client::new(),
        Hooks::bound_to(Host::Cloud, recorder.clone()),
    );
    let page = client
        .cloud_list_inventory_items()
        .user_id("156")
        .max_page_size(100)
        .filter("gamePasses=true")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(page.inventory_items.is_empty());
    server.join().unwrap();
    // progenitor's name for the method, mapped back through the operation table.
    assert_eq!(
        *recorder.0.lock().unwrap(),
        vec![(Some(Operation::CloudListInventoryItems), Some(Host::Cloud))]
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0].request_line,
        "GET /cloud/v2/users/156/inventory-items?filter=gamePasses%3Dtrue&maxPageSize=100 HTTP/1.1"
    );
    assert!(seen[0]
        .headers
        .contains(&("x-test-hook".to_string(), "1".to_string())));
}

#[tokio::test(flavor = "current_thread")]
async fn named_enums_go_on_the_wire_as_documented() {
    use roblox_inventory_api::enums::{CollectionItemType, OwnershipItemType, PlacesTab};
    let (base, seen, server) = serve(vec![(200, "false"), (200, "{}"), (200, r#"{"data":[]}"#)]);
    let client = Client::new_with_client(&base, reqwest::Client::new(), Hooks::default());
    let owned = client
        .get_v1_users_items_is_owned()
        .user_id(1)
        .item_type(OwnershipItemType::GamePass)
        .item_target_id(7)
        .send()
        .await
        .unwrap();
    assert!(!owned.into_inner());
    // Collection item types and places tabs have no documented numbers: names are sent.
    client
        .post_v1_collections_items()
        .item_type(CollectionItemType::Bundle)
        .item_target_id(192)
        .send()
        .await
        .unwrap();
    client
        .get_v1_users_places_inventory()
        .user_id(1)
        .places_tab(PlacesTab::Created)
        .items_per_page(10)
        .cursor("0")
        .send()
        .await
        .unwrap();
    server.join().unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0].request_line,
        "GET /v1/users/1/items/1/7/is-owned HTTP/1.1"
    );
    assert_eq!(
        seen[1].request_line,
        "POST /v1/collections/items/Bundle/192 HTTP/1.1"
    );
    assert!(
        seen[2].request_line.contains("placesTab=Created"),
        "{}",
        seen[2].request_line
    );
}

#[test]
fn enums_read_names_numbers_and_values_added_later() {
    use roblox_inventory_api::enums::{
        AssetType, BuildersClubMembershipType, InventoryItemAssetType,
    };
    let parse = |json: &str| serde_json::from_str::<AssetType>(json).unwrap();
    assert_eq!(parse("8"), AssetType::Hat);
    assert_eq!(parse("\"Hat\""), AssetType::Hat);
    assert_eq!(parse("\"hat\""), AssetType::Hat);
    assert_eq!(
        parse("94"),
        AssetType::Unknown(94),
        "a type newer than the document"
    );
    assert_eq!(
        parse("\"HoverBoard\""),
        AssetType::UnknownName("HoverBoard".into())
    );
    assert_eq!(AssetType::Hat.to_string(), "8");
    assert_eq!(serde_json::to_string(&AssetType::Hat).unwrap(), "8");
    assert_eq!(AssetType::ALL.len(), 85);
    let state: InventoryItemAssetType = serde_json::from_str("\"HAT\"").unwrap();
    assert_eq!(state, InventoryItemAssetType::Hat);
    let later: InventoryItemAssetType = serde_json::from_str("\"JETPACK\"").unwrap();
    assert_eq!(later, InventoryItemAssetType::Unknown("JETPACK".into()));
    let model: roblox_inventory_api::types::UserModel = serde_json::from_str(
        r#"{"userId":1,"username":"x","buildersClubMembershipType":"RobloxPremium","extra":true}"#,
    )
    .unwrap();
    assert_eq!(
        model.builders_club_membership_type,
        Some(BuildersClubMembershipType::RobloxPremium)
    );
}
