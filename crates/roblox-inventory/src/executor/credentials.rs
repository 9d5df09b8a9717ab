//! Which credential a request of an operation carries: the spec's schemes for
//! it, in the spec's order, that this client has.

use roblox_inventory_api::operations::{Operation, Placement};

use crate::auth::{ApiKey, CloudCredential, OAuthToken, Roblosecurity};
use crate::budget::{BudgetKey, Counted};
use crate::client::Shared;
use crate::error::Error;

/// The credential a request of an operation carries.
#[derive(Clone, Copy)]
pub(crate) enum Carried<'a> {
    /// An API key in this header.
    Header(&'static str, &'a ApiKey),
    /// An OAuth token, as `Authorization: Bearer`.
    Bearer(&'a OAuthToken),
    /// The cookie, under this name.
    Cookie(&'static str, &'a Roblosecurity),
    /// None.
    Nothing,
}

impl Shared {
    /// The credential `operation`'s requests carry: the first scheme of its
    /// `security` (in the spec's order) this client has.
    pub(crate) fn carried(&self, operation: Operation) -> Carried<'_> {
        for scheme in operation.schemes() {
            match (scheme.placement(), &self.cloud_credential, &self.cookie) {
                (Placement::Header(name), Some(CloudCredential::ApiKey(key)), _) => {
                    return Carried::Header(name, key)
                }
                (Placement::Bearer, Some(CloudCredential::OAuth(token)), _) => {
                    return Carried::Bearer(token)
                }
                (Placement::Cookie(name), _, Some(cookie)) => return Carried::Cookie(name, cookie),
                _ => {}
            }
        }
        Carried::Nothing
    }

    /// Fails with [`Error::MissingCredential`] when `operation` needs a
    /// credential this client does not have.
    pub(crate) fn require_credential(&self, operation: Operation) -> Result<(), Error> {
        if operation.allows_anonymous() || !matches!(self.carried(operation), Carried::Nothing) {
            return Ok(());
        }
        Err(Error::MissingCredential {
            operation,
            needs: needs(operation),
        })
    }

    /// The budget key of `operation`'s requests: the operation, the kind of
    /// credential they carry and which one.
    pub(crate) fn budget_key(&self, operation: Operation) -> BudgetKey {
        let (counted, scope) = match self.carried(operation) {
            Carried::Header(..) => (Counted::ApiKey, self.cloud_scope),
            Carried::Bearer(_) => (Counted::OAuth, self.cloud_scope),
            Carried::Cookie(..) => (Counted::Legacy, self.legacy_scope),
            Carried::Nothing => (Counted::Legacy, crate::budget::Scope::NONE),
        };
        BudgetKey::new(operation, counted).with_scope(scope)
    }
}

/// What `operation` accepts, for [`Error::MissingCredential`].
fn needs(operation: Operation) -> &'static str {
    let placements: Vec<Placement> = operation.schemes().iter().map(|s| s.placement()).collect();
    match placements.as_slice() {
        [Placement::Header(_)] => "an API key (ClientBuilder::api_key)",
        [Placement::Bearer] => "an OAuth token (ClientBuilder::oauth_token)",
        [Placement::Header(_), Placement::Bearer] | [Placement::Bearer, Placement::Header(_)] => {
            "an API key (ClientBuilder::api_key) or an OAuth token (ClientBuilder::oauth_token)"
        }
        [Placement::Cookie(_)] => "a .ROBLOSECURITY cookie (ClientBuilder::roblosecurity)",
        _ => "a credential the operation accepts",
    }
}
