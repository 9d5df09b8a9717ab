//! The enums of the public models and arguments. Numbers and names come from
//! the spec (see [`wire_enum!`](super::wire)); each enum reads names in any case
//! and, when numbered, numbers, and keeps what it has no variant for in `Other`.

use super::wire::wire_enum;

wire_enum! {
    /// A Roblox asset type, as the legacy API numbers it (`8` is `Hat`).
    ///
    /// ```
    /// use roblox_inventory::models::AssetType;
    ///
    /// assert_eq!(AssetType::Hat.number(), Some(8));
    /// assert_eq!("hat".parse::<AssetType>(), Ok(AssetType::Hat));
    /// assert_eq!(AssetType::from_number(8), AssetType::Hat);
    /// // A number the spec does not list is kept, not refused.
    /// assert_eq!(AssetType::from_number(9999).number(), Some(9999));
    /// ```
    pub enum AssetType: numbered from AssetType {
        Image, TShirt, Audio, Mesh, Lua, Html, Text, Hat, Place, Model, Shirt, Pants, Decal,
        Avatar, Head, Face, Gear, Badge, GroupEmblem, Animation, Arms, Legs, Torso, RightArm,
        LeftArm, LeftLeg, RightLeg, Package, YouTubeVideo, GamePass, App, Code, Plugin,
        SolidModel, MeshPart, HairAccessory, FaceAccessory, NeckAccessory, ShoulderAccessory,
        FrontAccessory, BackAccessory, WaistAccessory, ClimbAnimation, DeathAnimation,
        FallAnimation, IdleAnimation, JumpAnimation, RunAnimation, SwimAnimation, WalkAnimation,
        PoseAnimation, LocalizationTableManifest, LocalizationTableTranslation, EmoteAnimation,
        Video, TexturePack, TShirtAccessory, ShirtAccessory, PantsAccessory, JacketAccessory,
        SweaterAccessory, ShortsAccessory, LeftShoeAccessory, RightShoeAccessory,
        DressSkirtAccessory, FontFamily, FontFace, MeshHiddenSurfaceRemoval, EyebrowAccessory,
        EyelashAccessory, MoodAnimation, DynamicHead, CodeSnippet, AdsVideo, OtaUpdate,
        Screenshot, RuntimePropertySet, StorePreviewVideo, GamePreviewVideo,
        CreatorExperienceConfig, FaceMakeup, LipMakeup, EyeMakeup, VoxelFragment,
        AvatarBackground,
    }
}

wire_enum! {
    /// An asset type as Open Cloud names it (`HAT`, `CLASSIC_SHIRT`), for
    /// [`InventoryFilter`](crate::InventoryFilter) and [`AssetDetails`](super::AssetDetails).
    ///
    /// ```
    /// use roblox_inventory::models::InventoryItemAssetType;
    ///
    /// assert_eq!(InventoryItemAssetType::ClassicShirt.as_str(), "CLASSIC_SHIRT");
    /// assert_eq!("classic_shirt".parse(), Ok(InventoryItemAssetType::ClassicShirt));
    /// ```
    pub enum InventoryItemAssetType: named from InventoryItemAssetType {
        ClassicTshirt, Audio, Hat, Model, ClassicShirt, ClassicPants, Decal, ClassicHead, Face,
        Gear, Animation, Torso, RightArm, LeftArm, LeftLeg, RightLeg, Package, Plugin, MeshPart,
        HairAccessory, FaceAccessory, NeckAccessory, ShoulderAccessory, FrontAccessory,
        BackAccessory, WaistAccessory, ClimbAnimation, DeathAnimation, FallAnimation,
        IdleAnimation, JumpAnimation, RunAnimation, SwimAnimation, WalkAnimation, PoseAnimation,
        EmoteAnimation, Video, TshirtAccessory, ShirtAccessory, PantsAccessory, JacketAccessory,
        SweaterAccessory, ShortsAccessory, LeftShoeAccessory, RightShoeAccessory,
        DressSkirtAccessory, EyebrowAccessory, EyelashAccessory, MoodAnimation, DynamicHead,
        CreatedPlace, PurchasedPlace,
    }
}

wire_enum! {
    /// The order of a legacy listing, by user asset id.
    pub enum SortOrder: named from SortOrder {
        Asc, Desc,
    }
}

wire_enum! {
    /// A tab of a user's places inventory.
    pub enum PlacesTab: numbered from PlacesTab {
        Created, MyGames, OtherGames, Purchased,
    }
}

wire_enum! {
    /// The kind of item an is-owned check is about
    /// ([`Client::is_owned`](crate::Client::is_owned)).
    pub enum OwnershipItemType: numbered from OwnershipItemType {
        Asset, GamePass, Badge, Bundle, Avatar,
    }
}

wire_enum! {
    /// Whether a collectible copy is available or on hold.
    pub enum CollectibleItemInstanceState: named from CollectibleItemInstanceState {
        Available, Hold,
    }
}

wire_enum! {
    /// A (historic) Builders Club membership, or Premium.
    pub enum BuildersClubMembershipType: numbered from BuildersClubMembershipType {
        None, Bc, Tbc, Obc, RobloxPremium,
    }
}

wire_enum! {
    /// Who created a place.
    pub enum CreatorType: numbered from CreatorType {
        User, Group, Experience,
    }
}

wire_enum! {
    /// What an entry of an inventory category lists.
    pub enum CategoryItemType: numbered from AssetsExplorerCategoryItemType {
        AssetType, Bundle, Outfit, Set, Avatar,
    }
}
