//! The table read from the checked-in spec, and what it refuses.

use super::*;

fn spec() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../../spec/openapi.json")).expect("the spec")
}

fn read(value: serde_json::Value) -> Result<Table, CodegenError> {
    table(&serde_json::from_value(value).expect("an OpenAPI document"))
}

#[test]
fn the_table_reads_every_fact_of_the_spec() {
    let table = read(spec()).unwrap();
    assert_eq!(table.operations.len(), 9);
    let hosts: Vec<(&str, &str)> = table
        .hosts
        .iter()
        .map(|h| (h.tag.as_str(), h.url.as_str()))
        .collect();
    assert_eq!(
        hosts,
        [
            ("cloud", "https://apis.roblox.com"),
            ("legacy", "https://inventory.roblox.com")
        ]
    );
    let add = table
        .operations
        .iter()
        .find(|o| o.operation_id == "PostV1CollectionsItems")
        .unwrap();
    assert_eq!(add.csrf, Some(("x-csrf-token".into(), 403, 0)));
    assert_eq!(add.schemes, ["roblox-legacy-cookie"]);
    assert!(!add.anonymous);
    let places = table
        .operations
        .iter()
        .find(|o| o.operation_id == "GetV1UsersPlacesInventory")
        .unwrap();
    assert_eq!(places.private_inventory, Some((403, Some(3), None)));
    let listing = table
        .operations
        .iter()
        .find(|o| o.operation_id == "Cloud_ListInventoryItems")
        .unwrap();
    assert_eq!(
        listing.private_inventory,
        Some((403, None, Some("PERMISSION_DENIED".to_string())))
    );
    assert!(places.anonymous);
    assert_eq!(places.method_name, "get_v1_users_places_inventory");
}

#[test]
fn a_spec_without_what_the_table_needs_is_refused() {
    let path = "/v1/users/{userId}/categories";
    let mut no_limits = spec();
    no_limits["paths"][path]["get"]
        .as_object_mut()
        .unwrap()
        .remove("x-roblox-rate-limits");
    assert!(
        matches!(read(no_limits), Err(CodegenError::Table(m)) if m.contains("GetV1UsersCategories"))
    );
    let mut two_hosts = spec();
    two_hosts["paths"][path]["get"]["servers"] =
        serde_json::json!([{"url": "https://elsewhere.example"}]);
    assert!(read(two_hosts).is_err());
    let mut undocumented_csrf = spec();
    undocumented_csrf["paths"]["/v1/collections/items/{itemType}/{itemTargetId}"]["post"]
        ["x-roblox-csrf"]["code"] = serde_json::json!(42);
    assert!(read(undocumented_csrf).is_err());
}

#[test]
fn method_names_are_checked_against_progenitors_output() {
    let table = read(spec()).unwrap();
    let generated: String = table
        .operations
        .iter()
        .map(|o| format!("OperationInfo {{ operation_id: \"{}\", }}\n", o.method_name))
        .collect();
    assert!(check_method_names(&table, &generated).is_ok());
    let renamed = generated.replace("get_v1_users_categories", "get_v1_users_categories2");
    assert!(check_method_names(&table, &renamed).is_err());
}

#[test]
fn a_progenitor_panic_names_its_operation_and_parameter() {
    let mut spec = spec();
    let categories = &mut spec["paths"]["/v1/users/{userId}/categories"]["get"];
    categories["parameters"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "in": "query",
            "name": "shape",
            "required": false,
            "schema": {"$ref": "#/components/schemas/CategoriesModel"},
            "style": "form"
        }));
    let spec: openapiv3::OpenAPI = serde_json::from_value(spec).unwrap();
    match crate::generate(&spec) {
        Err(CodegenError::PanickedAt {
            operation,
            parameter,
            ..
        }) => {
            assert_eq!(operation, "GetV1UsersCategories");
            assert_eq!(parameter.as_deref(), Some("shape"));
        }
        other => panic!("{:?}", other.map(|code| code.len())),
    }
}
