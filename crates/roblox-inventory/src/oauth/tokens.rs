//! The tokens of one authorization, as an app stores them.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Scope;

/// The tokens of one authorization: what an app stores per user.
///
/// Secrets print as `[REDACTED]`; `Serialize` writes them in clear text, for
/// the app's own storage (keep that storage private: the CLI's file is
/// owner-only). Refresh tokens are single-use: after a refresh, only the new
/// set is valid.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token, sent as `Authorization: Bearer …` (15 minutes).
    #[serde(with = "secret")]
    pub access_token: SecretString,
    /// The refresh token (single-use, 90 days).
    #[serde(with = "optional_secret", default)]
    pub refresh_token: Option<SecretString>,
    /// The ID token, when `openid` was granted.
    #[serde(with = "optional_secret", default)]
    pub id_token: Option<SecretString>,
    /// When the access token expires (from `expires_in` at receipt).
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The scopes granted.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

impl TokenSet {
    /// Whether the access token expires within `margin` from now.
    pub fn expires_within(&self, margin: Duration) -> bool {
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::TimeDelta::MAX);
        chrono::Utc::now()
            .checked_add_signed(margin)
            .is_none_or(|then| then >= self.expires_at)
    }

    /// Whether `scope` was granted.
    pub fn has_scope(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[REDACTED]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("id_token", &self.id_token.as_ref().map(|_| "[REDACTED]"))
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

pub(super) mod secret {
    use super::*;

    pub fn serialize<S: Serializer>(value: &SecretString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.expose_secret())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
        String::deserialize(d).map(SecretString::from)
    }
}

pub(super) mod optional_secret {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => s.serialize_some(value.expose_secret()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
        Option::<String>::deserialize(d).map(|v| v.map(SecretString::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_serde_round_trips() {
        let set = TokenSet {
            access_token: SecretString::from("at-secret-1"),
            refresh_token: Some(SecretString::from("rt-secret-2")),
            id_token: None,
            expires_at: chrono::Utc::now() + chrono::Duration::seconds(899),
            scopes: vec![Scope::InventoryItemRead],
        };
        let printed = format!("{set:?}");
        assert!(!printed.contains("secret"), "{printed}");
        let json = serde_json::to_string(&set).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back.refresh_token.unwrap().expose_secret(), "rt-secret-2");
        assert_eq!(back.scopes, [Scope::InventoryItemRead]);
        assert!(!set.expires_within(Duration::from_secs(60)));
        assert!(set.expires_within(Duration::from_secs(900)));
        assert!(set.expires_within(Duration::MAX));
    }
}
