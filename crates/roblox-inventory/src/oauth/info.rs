//! What the server says about a token and its user.

use serde::{Deserialize, Serialize};

use super::Scope;

/// What introspection says about a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Introspection {
    /// Whether it is within its lifetime (Roblox does not check revocation here).
    pub active: bool,
    /// The user id (`sub`).
    pub subject: Option<String>,
    /// The app it was issued to.
    pub client_id: Option<String>,
    /// Its scopes.
    pub scopes: Vec<Scope>,
    /// When it expires.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an access token reaches (`/token/resources`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Resources {
    /// One entry per owner (the user, or a group).
    pub owners: Vec<ResourceOwner>,
}

/// An owner of resources an access token reaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResourceOwner {
    /// The owner's id.
    pub id: String,
    /// `User` or `Group`.
    pub kind: String,
    /// The resources, as Roblox lists them (`universe`, `creator`, …).
    pub resources: serde_json::Value,
}

/// The user an access token belongs to (`/userinfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// The user id, as a string (`sub`).
    #[serde(rename = "sub")]
    pub subject: String,
    /// The display name (with `profile`).
    #[serde(default)]
    pub name: Option<String>,
    /// The nickname (with `profile`).
    #[serde(default)]
    pub nickname: Option<String>,
    /// The username (with `profile`).
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// The profile URL (with `profile`).
    #[serde(default)]
    pub profile: Option<String>,
    /// The avatar picture URL, if any.
    #[serde(default)]
    pub picture: Option<String>,
}

impl UserInfo {
    /// The user id as a number.
    pub fn user_id(&self) -> Option<u64> {
        self.subject.parse().ok()
    }
}
