//! One method per operation of the spec.

use crate::client::Client;
use crate::error::{Error, ErrorContext};
use crate::filter::InventoryFilter;
use crate::Operation;
use roblox_inventory_api::enums::CollectionItemType;

use crate::models::{
    wire, AssetType, Category, Collectible, InventoryItem, Item, OwnedAsset, OwnershipItemType,
    Place, PlacesTab, SortOrder,
};
use crate::pagination::{self, Limits, Page, Paged, ResumePoint};

/// The page a generated call returned, or the error it failed with.
async fn page_from<P, T>(
    result: Result<
        roblox_inventory_api::ResponseValue<P>,
        roblox_inventory_api::Error<roblox_inventory_api::ByteStream>,
    >,
    context: ErrorContext,
    page: impl FnOnce(P) -> Result<Page<T>, Error>,
) -> Result<Page<T>, Error> {
    match result {
        Ok(response) => page(response.into_inner()),
        Err(error) => Err(context.convert(error).await),
    }
}

/// An id as the legacy API's int64: ids above `i64::MAX` are refused, never wrapped
/// into negative numbers.
fn wire_id(name: &'static str, id: u64) -> Result<i64, Error> {
    i64::try_from(id).map_err(|_| Error::InvalidArgument {
        name,
        reason: format!("{id} is larger than the API's 64-bit signed ids allow"),
    })
}

/// Page sizes the legacy paged endpoints accept (document: `10 | 25 | 50 | 100`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PageSize {
    /// 10 per page.
    Ten,
    /// 25 per page.
    TwentyFive,
    /// 50 per page.
    Fifty,
    /// 100 per page, the default here: the fewest requests.
    #[default]
    Hundred,
}

impl PageSize {
    /// Every size, smallest first.
    pub const ALL: [PageSize; 4] = [
        PageSize::Ten,
        PageSize::TwentyFive,
        PageSize::Fifty,
        PageSize::Hundred,
    ];

    /// The number sent.
    pub fn get(self) -> i32 {
        match self {
            PageSize::Ten => 10,
            PageSize::TwentyFive => 25,
            PageSize::Fifty => 50,
            PageSize::Hundred => 100,
        }
    }

    /// The size for `items`, if the legacy endpoints accept it; otherwise the
    /// [`Error::InvalidArgument`] a listing fails with, before any request.
    fn legacy(items: u32) -> Result<PageSize, Error> {
        PageSize::ALL
            .into_iter()
            .find(|size| i64::from(size.get()) == i64::from(items))
            .ok_or_else(|| Error::InvalidArgument {
                name: "page_size",
                reason: format!("{items} is not one of 10, 25, 50 or 100 (this endpoint's sizes)"),
            })
    }
}

/// Every builder's `page_size` takes a `u32`: `PageSize::Ten.into()`.
impl From<PageSize> for u32 {
    fn from(size: PageSize) -> u32 {
        size.get().unsigned_abs()
    }
}

/// Lists a user's Open Cloud inventory: see [`Client::inventory_items`].
#[derive(Debug, Clone)]
#[must_use = "call .items() or .pages() to fetch"]
pub struct InventoryItems {
    client: Client,
    user_id: u64,
    filter: InventoryFilter,
    page_size: u32,
    limits: Limits,
}

impl InventoryItems {
    /// Only items matching `filter` (default: everything).
    pub fn filter(mut self, filter: impl Into<InventoryFilter>) -> Self {
        self.filter = filter.into();
        self
    }

    /// Items per request, 1 to 100 (default 100, the most Roblox allows).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Stop after this many items.
    pub fn max_items(mut self, max: usize) -> Self {
        self.limits.max_items = Some(max);
        self
    }

    /// Stop after this many pages.
    pub fn max_pages(mut self, max: usize) -> Self {
        self.limits.max_pages = Some(max);
        self
    }

    /// Start at this page token (a [`Page::next`]), with the same filter and
    /// page size as the listing it came from.
    pub fn page_token(mut self, token: impl Into<String>) -> Self {
        self.limits.from = ResumePoint::At {
            token: Some(token.into()),
            skip: 0,
        };
        self
    }

    /// Continue a listing right after what an earlier stream delivered
    /// ([`Paged::resume_point`]), with the same filter and page size.
    pub fn resume(mut self, point: ResumePoint) -> Self {
        self.limits.from = point;
        self
    }

    /// The pages, fetched as the stream is read. The filter stays fixed while paging.
    ///
    /// A filter that selects nothing ([`InventoryFilter::is_empty_selection`]) is
    /// refused with [`Error::InvalidArgument`] before any request: sent, it would
    /// be an empty filter, which Roblox answers with the whole inventory.
    pub fn pages(self) -> Paged<Page<InventoryItem>> {
        if !(1..=100).contains(&self.page_size) {
            let error = Error::InvalidArgument {
                name: "page_size",
                reason: format!("{} is not between 1 and 100", self.page_size),
            };
            return Paged::failed(error);
        }
        if self.filter.is_empty_selection() {
            let error = Error::InvalidArgument {
                name: "filter",
                reason: "it selects nothing (no ids, no types); Roblox would read it as \
                         no filter and list the whole inventory"
                    .into(),
            };
            return Paged::failed(error);
        }
        if let Some(unlisted) = self.filter.unlisted_asset_type() {
            let error = Error::InvalidArgument {
                name: "filter",
                reason: format!("`{unlisted}` is not an asset type the spec lists"),
            };
            return Paged::failed(error);
        }
        let Self {
            client,
            user_id,
            filter,
            page_size,
            limits,
        } = self;
        let filter = filter.to_wire();
        let fetch = move |token: Option<String>| {
            let (client, filter) = (client.clone(), filter.clone());
            async move {
                const OPERATION: Operation = Operation::CloudListInventoryItems;
                client.require_credential(OPERATION)?;
                let context = ErrorContext::new(OPERATION).about(user_id);
                let mut request = client
                    .cloud
                    .cloud_list_inventory_items()
                    .user_id(user_id.to_string())
                    .max_page_size(i64::from(page_size));
                if !filter.is_empty() {
                    request = request.filter(filter);
                }
                if let Some(token) = token {
                    request = request.page_token(token);
                }
                page_from(request.send().await, context, |page| {
                    Ok(Page::new(
                        page.inventory_items
                            .into_iter()
                            .map(wire::inventory_item)
                            .collect(),
                        page.next_page_token,
                    ))
                })
                .await
            }
        };
        pagination::pages(fetch, limits)
    }

    /// The items, fetched page by page as the stream is read.
    pub fn items(self) -> Paged<InventoryItem> {
        let limits = self.limits.clone();
        pagination::items(self.pages(), &limits)
    }
}

/// Lists a user's collectibles: see [`Client::collectibles`].
#[derive(Debug, Clone)]
#[must_use = "call .items() or .pages() to fetch"]
pub struct Collectibles {
    client: Client,
    user_id: u64,
    asset_type: Option<AssetType>,
    sort: Option<SortOrder>,
    page_size: u32,
    limits: Limits,
}

/// Lists a user's assets of one type: see [`Client::inventory`].
#[derive(Debug, Clone)]
#[must_use = "call .items() or .pages() to fetch"]
pub struct AssetTypeInventory {
    client: Client,
    user_id: u64,
    asset_type: AssetType,
    sort: Option<SortOrder>,
    page_size: u32,
    limits: Limits,
}

/// Lists a user's places: see [`Client::places`].
#[derive(Debug, Clone)]
#[must_use = "call .items() or .pages() to fetch"]
pub struct Places {
    client: Client,
    user_id: u64,
    tab: PlacesTab,
    page_size: u32,
    limits: Limits,
}

macro_rules! paging_options {
    ($builder:ident, $item:ty) => {
        impl $builder {
            /// Stop after this many items.
            pub fn max_items(mut self, max: usize) -> Self {
                self.limits.max_items = Some(max);
                self
            }

            /// Stop after this many pages.
            pub fn max_pages(mut self, max: usize) -> Self {
                self.limits.max_pages = Some(max);
                self
            }

            /// Start at this cursor (a [`Page::next`]).
            pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
                self.limits.from = ResumePoint::At {
                    token: Some(cursor.into()),
                    skip: 0,
                };
                self
            }

            /// Continue a listing right after what an earlier stream
            /// delivered ([`Paged::resume_point`]), with the same parameters.
            pub fn resume(mut self, point: ResumePoint) -> Self {
                self.limits.from = point;
                self
            }

            /// The items, fetched page by page as the stream is read.
            pub fn items(self) -> Paged<$item> {
                let limits = self.limits.clone();
                pagination::items(self.pages(), &limits)
            }
        }
    };
}

paging_options!(Collectibles, Collectible);
paging_options!(AssetTypeInventory, OwnedAsset);
paging_options!(Places, Place);

impl Collectibles {
    /// Only this asset type.
    pub fn asset_type(mut self, asset_type: AssetType) -> Self {
        self.asset_type = Some(asset_type);
        self
    }

    /// Sort by user asset id (default ascending).
    pub fn sort(mut self, order: SortOrder) -> Self {
        self.sort = Some(order);
        self
    }

    /// Items per request: 10, 25, 50 or 100 (default 100; [`PageSize`] names
    /// them); another number fails the listing before any request.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The pages, fetched as the stream is read.
    pub fn pages(self) -> Paged<Page<Collectible>> {
        let Self {
            client,
            user_id,
            asset_type,
            sort,
            page_size,
            limits,
        } = self;
        let page_size = match PageSize::legacy(page_size) {
            Ok(size) => size,
            Err(error) => return Paged::failed(error),
        };
        let fetch = move |cursor: Option<String>| {
            let (client, asset_type, sort) = (client.clone(), asset_type.clone(), sort.clone());
            async move {
                let context =
                    ErrorContext::new(Operation::GetV1UsersAssetsCollectibles).about(user_id);
                let mut request = client
                    .legacy
                    .get_v1_users_assets_collectibles()
                    .user_id(wire_id("user_id", user_id)?)
                    .limit(page_size.get());
                if let Some(asset_type) = asset_type {
                    request = request.asset_type(asset_type.to_wire());
                }
                if let Some(sort) = sort {
                    request = request.sort_order(sort.to_wire());
                }
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                page_from(request.send().await, context, |page| {
                    Ok(Page::new(
                        wire::all(page.data, wire::collectible)?,
                        page.next_page_cursor,
                    ))
                })
                .await
            }
        };
        pagination::pages(fetch, limits)
    }
}

impl AssetTypeInventory {
    /// Sort by user asset id (default ascending).
    pub fn sort(mut self, order: SortOrder) -> Self {
        self.sort = Some(order);
        self
    }

    /// Items per request: 10, 25, 50 or 100 (default 100; [`PageSize`] names
    /// them); another number fails the listing before any request.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The pages, fetched as the stream is read.
    pub fn pages(self) -> Paged<Page<OwnedAsset>> {
        let Self {
            client,
            user_id,
            asset_type,
            sort,
            page_size,
            limits,
        } = self;
        let page_size = match PageSize::legacy(page_size) {
            Ok(size) => size,
            Err(error) => return Paged::failed(error),
        };
        let Some(asset_type_id) = asset_type.number() else {
            let error = Error::InvalidArgument {
                name: "asset_type",
                reason: format!("{asset_type} has no numeric id"),
            };
            return Paged::failed(error);
        };
        let fetch = move |cursor: Option<String>| {
            let (client, sort) = (client.clone(), sort.clone());
            async move {
                let context = ErrorContext::new(Operation::GetV2UsersInventory).about(user_id);
                let mut request = client
                    .legacy
                    .get_v2_users_inventory()
                    .user_id(wire_id("user_id", user_id)?)
                    .asset_type_id(asset_type_id)
                    .limit(page_size.get());
                if let Some(sort) = sort {
                    request = request.sort_order(sort.to_wire());
                }
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                page_from(request.send().await, context, |page| {
                    Ok(Page::new(
                        wire::all(page.data, wire::owned_asset)?,
                        page.next_page_cursor,
                    ))
                })
                .await
            }
        };
        pagination::pages(fetch, limits)
    }
}

impl Places {
    /// Places per request, 1 to 100 (default 100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The pages, fetched as the stream is read.
    pub fn pages(self) -> Paged<Page<Place>> {
        if !(1..=100).contains(&self.page_size) {
            let error = Error::InvalidArgument {
                name: "page_size",
                reason: format!("{} is not between 1 and 100", self.page_size),
            };
            return Paged::failed(error);
        }
        let Self {
            client,
            user_id,
            tab,
            page_size,
            limits,
        } = self;
        let fetch = move |cursor: Option<String>| {
            let (client, tab) = (client.clone(), tab.clone());
            async move {
                let context =
                    ErrorContext::new(Operation::GetV1UsersPlacesInventory).about(user_id);
                // No cursor on the first page (clients omit it, facts §1.7); after
                // that, the cursor exactly as Roblox sent it.
                let mut request = client
                    .legacy
                    .get_v1_users_places_inventory()
                    .user_id(wire_id("user_id", user_id)?)
                    .places_tab(tab.to_wire())
                    .items_per_page(i64::from(page_size));
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                page_from(request.send().await, context, |page| {
                    Ok(Page::new(
                        wire::all(page.data, wire::place)?,
                        page.next_page_cursor,
                    ))
                })
                .await
            }
        };
        pagination::pages(fetch, limits)
    }
}

impl Client {
    /// Lists a user's inventory with Open Cloud (needs an API key or OAuth token).
    ///
    /// A private inventory is visible only to an API key the user created with
    /// Inventory: Read, or an OAuth token they granted `user.inventory-item:read`;
    /// otherwise the stream yields [`Error::InventoryPrivate`].
    pub fn inventory_items(&self, user_id: u64) -> InventoryItems {
        InventoryItems {
            client: self.clone(),
            user_id,
            filter: InventoryFilter::Everything,
            page_size: 100,
            limits: Limits::default(),
        }
    }

    /// Lists a user's collectible (Limited) assets (legacy host; no credential needed
    /// for public inventories).
    pub fn collectibles(&self, user_id: u64) -> Collectibles {
        Collectibles {
            client: self.clone(),
            user_id,
            asset_type: None,
            sort: None,
            page_size: 100,
            limits: Limits::default(),
        }
    }

    /// Lists a user's assets of one type (legacy host).
    pub fn inventory(&self, user_id: u64, asset_type: AssetType) -> AssetTypeInventory {
        AssetTypeInventory {
            client: self.clone(),
            user_id,
            asset_type,
            sort: None,
            page_size: 100,
            limits: Limits::default(),
        }
    }

    /// Lists the places in one of a user's places tabs (legacy host).
    pub fn places(&self, user_id: u64, tab: PlacesTab) -> Places {
        Places {
            client: self.clone(),
            user_id,
            tab,
            page_size: 100,
            limits: Limits::default(),
        }
    }

    /// Whether a user owns an item, with the legacy is-owned endpoint.
    pub async fn is_owned(
        &self,
        user_id: u64,
        item_type: OwnershipItemType,
        item_id: u64,
    ) -> Result<bool, Error> {
        let context = ErrorContext::new(Operation::GetV1UsersItemsIsOwned);
        match self
            .legacy
            .get_v1_users_items_is_owned()
            .user_id(wire_id("user_id", user_id)?)
            .item_type(item_type.to_wire())
            .item_target_id(wire_id("item_id", item_id)?)
            .send()
            .await
        {
            Ok(response) => Ok(response.into_inner()),
            Err(error) => Err(context.convert(error).await),
        }
    }

    /// The categories of a user's Inventory page.
    pub async fn categories(&self, user_id: u64) -> Result<Vec<Category>, Error> {
        match self
            .legacy
            .get_v1_users_categories()
            .user_id(wire_id("user_id", user_id)?)
            .send()
            .await
        {
            Ok(response) => wire::all(response.into_inner().categories, wire::category),
            Err(error) => Err(ErrorContext::new(Operation::GetV1UsersCategories)
                .convert(error)
                .await),
        }
    }

    /// Adds an asset or bundle you own to your collection (needs the cookie;
    /// the X-CSRF-TOKEN exchange is handled).
    pub async fn add_to_collection(&self, item: Item) -> Result<(), Error> {
        self.change_collection(true, item).await
    }

    /// Removes an asset or bundle from your collection (needs the cookie).
    pub async fn remove_from_collection(&self, item: Item) -> Result<(), Error> {
        self.change_collection(false, item).await
    }

    async fn change_collection(&self, add: bool, item: Item) -> Result<(), Error> {
        let operation = if add {
            Operation::PostV1CollectionsItems
        } else {
            Operation::DeleteV1CollectionsItems
        };
        self.require_credential(operation)?;
        let (item_type, item_id) = match item {
            Item::Asset(id) => (CollectionItemType::Asset, id),
            Item::Bundle(id) => (CollectionItemType::Bundle, id),
            other => {
                return Err(Error::InvalidArgument {
                    name: "item",
                    reason: format!("collections take assets and bundles, not {other:?}"),
                })
            }
        };
        // The spec declares the 200 without a body (the overlay's optional_bodies:
        // Roblox documents `{}`, clients have seen none), so either is success.
        let result = if add {
            self.legacy
                .post_v1_collections_items()
                .item_type(item_type)
                .item_target_id(wire_id("item_id", item_id)?)
                .send()
                .await
        } else {
            self.legacy
                .delete_v1_collections_items()
                .item_type(item_type)
                .item_target_id(wire_id("item_id", item_id)?)
                .send()
                .await
        };
        match result {
            Ok(_) => Ok(()),
            Err(error) => Err(ErrorContext::new(operation).convert(error).await),
        }
    }

    /// The asset ids of a legacy package.
    #[deprecated(
        note = "Roblox migrated packages to bundles: use catalog.roblox.com/v1/bundles/{bundleId}/details"
    )]
    pub async fn package_assets(&self, package_id: u64) -> Result<Vec<u64>, Error> {
        match self
            .legacy
            .get_v1_packages_assets()
            .package_id(wire_id("package_id", package_id)?)
            .send()
            .await
        {
            Ok(response) => Ok(wire::asset_ids(response.into_inner())?),
            Err(error) => Err(ErrorContext::new(Operation::GetV1PackagesAssets)
                .convert(error)
                .await),
        }
    }
}
