//! The authorization request, what an app keeps meanwhile, and the callback.

use std::fmt;

use oauth2::{CsrfToken, PkceCodeChallenge};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{OAuthApp, OAuthError};

/// A scope an app asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `openid`: an ID token and the user's id.
    OpenId,
    /// `profile` (needs `openid`): name, nickname, picture.
    Profile,
    /// `user.inventory-item:read`: the user's inventory, even when private.
    InventoryItemRead,
    /// Any other scope, as Roblox names it.
    Other(String),
}

/// The scope that reads a private inventory: the one the spec's security asks
/// for on Open Cloud's listing.
const INVENTORY_ITEM_READ: &str = crate::Operation::CloudListInventoryItems.oauth_scopes()[0];

impl Scope {
    /// The scope as Roblox names it.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::OpenId => "openid",
            Scope::Profile => "profile",
            Scope::InventoryItemRead => INVENTORY_ITEM_READ,
            Scope::Other(other) => other,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scope {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "openid" => Scope::OpenId,
            "profile" => Scope::Profile,
            INVENTORY_ITEM_READ => Scope::InventoryItemRead,
            other => Scope::Other(other.to_string()),
        })
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(text.parse().unwrap_or_else(|never| match never {}))
    }
}

/// The `prompt` of an authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prompt {
    /// `none`: no screens (fails unless already authorized).
    None,
    /// `login`: sign in again.
    Login,
    /// `consent`: ask for consent again.
    Consent,
    /// `select_account`: choose an account.
    SelectAccount,
}

impl Prompt {
    fn as_str(self) -> &'static str {
        match self {
            Prompt::None => "none",
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::SelectAccount => "select_account",
        }
    }
}

/// An authorization being built: see [`OAuthApp::authorize`].
#[must_use = "call .url()"]
#[derive(Debug)]
pub struct AuthorizationRequest<'a> {
    app: &'a OAuthApp,
    scopes: Vec<Scope>,
    nonce: bool,
    prompt: Option<Prompt>,
}

impl<'a> AuthorizationRequest<'a> {
    pub(super) fn new(app: &'a OAuthApp, scopes: Vec<Scope>) -> Self {
        Self {
            app,
            scopes,
            nonce: false,
            prompt: None,
        }
    }

    /// Send a random `nonce` (echoed in the ID token), kept in the pending authorization.
    pub fn nonce(mut self) -> Self {
        self.nonce = true;
        self
    }

    /// Ask for these screens.
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    /// The URL to send the user to, and what to keep until they come back.
    /// PKCE S256 and a random `state` are always on.
    pub fn url(self) -> (url::Url, PendingAuthorization) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = self.nonce.then(CsrfToken::new_random);
        let mut request = self
            .app
            .oauth()
            .authorize_url(CsrfToken::new_random)
            .add_scopes(
                self.scopes
                    .iter()
                    .map(|s| oauth2::Scope::new(s.as_str().to_string())),
            )
            .set_pkce_challenge(challenge);
        if let Some(nonce) = &nonce {
            request = request.add_extra_param("nonce", nonce.secret().clone());
        }
        if let Some(prompt) = self.prompt {
            request = request.add_extra_param("prompt", prompt.as_str());
        }
        let (url, state) = request.url();
        let pending = PendingAuthorization {
            state: SecretString::from(state.secret().clone()),
            verifier: SecretString::from(verifier.secret().clone()),
            nonce: nonce.map(|n| SecretString::from(n.secret().clone())),
            scopes: self.scopes,
        };
        (url, pending)
    }
}

/// What an app keeps between sending the user to Roblox and their return:
/// the `state` to check, the PKCE verifier, the `nonce`. Serialisable for a
/// session store; secrets print as `[REDACTED]`.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingAuthorization {
    #[serde(with = "super::tokens::secret")]
    state: SecretString,
    #[serde(with = "super::tokens::secret")]
    pub(super) verifier: SecretString,
    #[serde(with = "super::tokens::optional_secret", default)]
    nonce: Option<SecretString>,
    #[serde(default)]
    pub(super) scopes: Vec<Scope>,
}

impl PendingAuthorization {
    /// The `nonce` sent, to compare with the ID token's.
    pub fn nonce(&self) -> Option<&SecretString> {
        self.nonce.as_ref()
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Compares `state` with ours in constant time (oauth2's timing-resistant
    /// secret comparison).
    pub(super) fn check_state(&self, state: Option<&str>) -> Result<(), OAuthError> {
        let ours = CsrfToken::new(self.state.expose_secret().to_string());
        match state {
            Some(theirs) if CsrfToken::new(theirs.to_string()) == ours => Ok(()),
            _ => Err(OAuthError::StateMismatch),
        }
    }
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("state", &"[REDACTED]")
            .field("verifier", &"[REDACTED]")
            .field("nonce", &self.nonce.as_ref().map(|_| "[REDACTED]"))
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Where the user came back to: a code, or an error.
#[derive(Clone)]
#[non_exhaustive]
pub enum Callback {
    /// The user consented.
    Code {
        /// The authorization code (single-use, one minute).
        code: SecretString,
        /// The `state` sent back.
        state: String,
    },
    /// The authorization failed or was refused.
    Error {
        /// The `error` code (`access_denied`, `login_required`, …).
        error: String,
        /// The `error_description`.
        description: Option<String>,
        /// The `state` sent back, if any.
        state: Option<String>,
    },
}

impl Callback {
    /// Reads a redirect: the whole URL, or its query (`?code=…&state=…`).
    pub fn parse(redirect: &str) -> Result<Self, OAuthError> {
        let query = match url::Url::parse(redirect) {
            Ok(url) => url.query().unwrap_or_default().to_string(),
            Err(_) => redirect.trim().trim_start_matches('?').to_string(),
        };
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if let Some(error) = get("error") {
            return Ok(Callback::Error {
                error,
                description: get("error_description"),
                state: get("state"),
            });
        }
        match (get("code"), get("state")) {
            (Some(code), Some(state)) if !code.is_empty() => Ok(Callback::Code {
                code: SecretString::from(code),
                state,
            }),
            (Some(_), None) => Err(OAuthError::StateMismatch),
            _ => Err(OAuthError::InvalidCallback(
                "no `code` and no `error` parameter".into(),
            )),
        }
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Callback::Code { state, .. } => f
                .debug_struct("Callback::Code")
                .field("code", &"[REDACTED]")
                .field("state", state)
                .finish(),
            Callback::Error {
                error, description, ..
            } => f
                .debug_struct("Callback::Error")
                .field("error", error)
                .field("description", description)
                .finish_non_exhaustive(),
        }
    }
}
