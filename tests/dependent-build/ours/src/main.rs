// Lists a user's game passes with an API key: the same program as ../peer (and, built with rustls-aws-lc, ../aws-lc).
#[tokio::main]
async fn main() {
    let key = std::env::var("ROBLOX_API_KEY").unwrap_or_default();
    let client = roblox_inventory::Client::builder()
        .api_key(key)
        .build()
        .expect("client");
    let page = client
        .cloud_api()
        .cloud_list_inventory_items()
        .user_id("156")
        .filter("gamePasses=true")
        .send()
        .await;
    println!("{}", page.is_ok());
}
