// Lists a user's game passes with an API key: the same program as ../ours.
use rbxcloud::rbx::{types::RobloxUserId, v2::Client};

#[tokio::main]
async fn main() {
    let key = std::env::var("ROBLOX_API_KEY").unwrap_or_default();
    let client = Client::new(&key);
    let page = client
        .inventory()
        .list_inventory_items(
            RobloxUserId(156),
            None,
            None,
            Some("gamePasses=true".to_string()),
        )
        .await;
    println!("{}", page.is_ok());
}
