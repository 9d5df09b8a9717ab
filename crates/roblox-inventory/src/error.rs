//! One error type for every operation.
//!
//! Roblox answers errors in two shapes (facts §4): the legacy/gateway
//! `{"errors":[{"code":7,"message":"…"}]}` and Open Cloud v2
//! `{"code":"PERMISSION_DENIED","message":"…","details":[…]}`, and sometimes with
//! an empty body. All three are read into [`ApiError`]; the cases callers act on
//! get their own [`Error`] variants. No variant keeps response headers, so an error
//! can be logged without leaking `set-cookie` or anything else.

use std::fmt;
use std::time::Duration;

use roblox_inventory_api::operations::{Host, Operation};
use roblox_inventory_api::ByteStream;

use crate::auth::TokenError;

/// The code in a Roblox error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// A legacy numbered code (`errors[].code`), documented per endpoint.
    Legacy(i64),
    /// An Open Cloud status code name (`INVALID_ARGUMENT`, `PERMISSION_DENIED`, …).
    Cloud(String),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::Legacy(code) => write!(f, "{code}"),
            ErrorCode::Cloud(code) => f.write_str(code),
        }
    }
}

/// A Roblox error response, read from either body shape.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error code, if the body had one.
    pub code: Option<ErrorCode>,
    /// The error message, if the body had one.
    pub message: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Reads an error body of either shape; an empty or foreign body keeps only the status.
    pub fn parse(status: u16, body: &[u8]) -> Self {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if let Some(first) = value.get("errors").and_then(|e| e.get(0)) {
            return Self {
                status,
                code: first
                    .get("code")
                    .and_then(serde_json::Value::as_i64)
                    .map(ErrorCode::Legacy),
                message: first
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
            };
        }
        if let Some(code) = value.get("code").and_then(|c| c.as_str()) {
            return Self {
                status,
                code: Some(ErrorCode::Cloud(code.to_string())),
                message: value
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
            };
        }
        let message = value
            .get("message")
            .or_else(|| value.get("error"))
            .and_then(|m| m.as_str())
            .map(str::to_string);
        Self {
            status,
            code: None,
            message,
        }
    }

    /// The error as one of an operation's documented codes:
    ///
    /// ```
    /// use roblox_inventory::api::error_codes::GetV1UsersItemsIsOwnedError;
    /// use roblox_inventory::ApiError;
    ///
    /// let error = ApiError::parse(400, br#"{"errors":[{"code":5,"message":"no such pass"}]}"#);
    /// assert_eq!(
    ///     error.documented::<GetV1UsersItemsIsOwnedError>(),
    ///     Some(GetV1UsersItemsIsOwnedError::GamePassDoesNotExist)
    /// );
    /// ```
    ///
    /// As a call:
    /// `error.documented::<roblox_inventory::api::error_codes::GetV1UsersItemsIsOwnedError>()`
    /// (the codes are generated from the spec, so they live with the generated client).
    pub fn documented<E: roblox_inventory_api::error_codes::DocumentedError>(&self) -> Option<E> {
        E::from_status_code(self.status, self.legacy_code()?)
    }

    /// The legacy numbered code, if any.
    pub fn legacy_code(&self) -> Option<i64> {
        match self.code {
            Some(ErrorCode::Legacy(code)) => Some(code),
            _ => None,
        }
    }
}

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client has no credential this operation accepts; nothing was sent.
    #[error("{operation} needs {needs}; configure it on Client::builder()")]
    MissingCredential {
        /// The operation.
        operation: Operation,
        /// What it accepts.
        needs: &'static str,
    },
    /// An argument Roblox would reject; nothing was sent.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The argument.
        name: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// The operation was called through the client of another host (for example an
    /// Open Cloud operation through [`Client::legacy_api`](crate::Client::legacy_api)):
    /// its request would go to the wrong base URL with the wrong credential, so
    /// nothing was sent.
    #[error("{operation} is served by the {} host, but was called through the {client} host's client; nothing was sent", operation.host())]
    WrongHost {
        /// The operation.
        operation: Operation,
        /// The host of the client it was called through.
        client: Host,
    },
    /// The user's inventory is private or hidden from this credential.
    #[error(
        "user {user_id}'s inventory is not visible to this credential; it needs {unlock} ({error})"
    )]
    InventoryPrivate {
        /// Whose inventory.
        user_id: u64,
        /// What would unlock it.
        unlock: &'static str,
        /// Roblox's answer.
        error: ApiError,
    },
    /// Open Cloud's gateway refused the credential for this operation (HTTP 403
    /// in the gateway's `errors[]` shape, facts §4.2): an API key without the
    /// permission, or whose IP allow-list leaves out this machine, or an OAuth
    /// token without the scope. It says nothing about the user's inventory.
    #[error("{operation}: the credential was refused; it needs {needs} ({error})")]
    CredentialRefused {
        /// The operation.
        operation: Operation,
        /// What the operation needs of a credential.
        needs: String,
        /// Roblox's answer.
        error: ApiError,
    },
    /// The credential was refused (HTTP 401).
    #[error("the credential was refused: {0}")]
    Unauthorized(ApiError),
    /// The X-CSRF-TOKEN exchange failed: Roblox refused the token and sent no new one,
    /// or refused the new one too.
    #[error("the X-CSRF-TOKEN exchange failed: {0}")]
    Csrf(ApiError),
    /// Roblox asked for a challenge (a captcha, two-step verification, …) before
    /// it would do this: a 403 with `rblx-challenge-*` headers (facts §4.3). A
    /// program cannot answer it; the account has to, in a browser.
    #[error("Roblox requires a {} challenge before this request (complete it in a browser, or use Open Cloud): {error}", challenge_type.as_deref().unwrap_or("verification"))]
    Challenge {
        /// `rblx-challenge-type` (e.g. `captcha`, `twostepverification`).
        challenge_type: Option<String>,
        /// Roblox's answer.
        error: ApiError,
    },
    /// Rate limited (HTTP 429), after any retries.
    #[error("rate limited{}: {error}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long Roblox asked to wait, if it said.
        retry_after: Option<Duration>,
        /// Roblox's answer.
        error: ApiError,
    },
    /// Any other error response from Roblox.
    #[error("Roblox refused the request: {0}")]
    Api(ApiError),
    /// The request did not complete (connection refused or reset, DNS, TLS, …).
    #[error("the request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The request timed out.
    #[error("the request timed out")]
    Timeout(#[source] reqwest::Error),
    /// The response was not what the API documents.
    #[error("undecodable response (HTTP {status}): {reason}; body starts {excerpt:?}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not fit.
        reason: String,
        /// The first bytes of the body.
        excerpt: String,
    },
    /// The OAuth token source failed.
    #[error("the OAuth token source failed: {0}")]
    TokenSource(#[source] TokenError),
    /// The call took longer than its operation timeout
    /// ([`ClientBuilder::operation_timeout`](crate::ClientBuilder::operation_timeout)),
    /// counting every attempt, retry wait and budget wait.
    #[error("{operation} did not finish within its operation timeout ({} ms spent)", after.as_millis())]
    DeadlineExceeded {
        /// The operation.
        operation: Operation,
        /// How long the call had run.
        after: Duration,
    },
    /// The response body was larger than
    /// [`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes); it was not read.
    #[error("{operation}: the response body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The operation.
        operation: Operation,
        /// The cap in bytes.
        limit: usize,
    },
    /// The request budget's store (Redis) cannot be reached and its failure
    /// policy is to refuse ([`FailurePolicy::FailClosed`](crate::budget::FailurePolicy));
    /// nothing was sent.
    #[error("{operation}: the request budget is unavailable ({reason}); nothing was sent")]
    BudgetUnavailable {
        /// The operation.
        operation: Operation,
        /// Why.
        reason: String,
    },
    /// The request budget had no slot before the deadline the caller set
    /// ([`ClientBuilder::max_budget_wait`](crate::ClientBuilder::max_budget_wait),
    /// [`Client::with_budget_deadline`](crate::Client::with_budget_deadline)); nothing was sent.
    #[error("no request slot for {operation} before the deadline (the budget expects one in {} ms)", ready_in.as_millis())]
    NoSlotBeforeDeadline {
        /// The operation.
        operation: Operation,
        /// How long until the budget expects a slot (zero if it could not tell).
        ready_in: Duration,
    },
}

impl Error {
    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InventoryPrivate { error, .. }
            | Error::RateLimited { error, .. }
            | Error::CredentialRefused { error, .. } => Some(error.status),
            Error::Unauthorized(error) | Error::Csrf(error) | Error::Api(error) => {
                Some(error.status)
            }
            Error::Challenge { error, .. } => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Roblox's error code, if the body had one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api_error().and_then(|e| e.code.as_ref())
    }

    /// Roblox's error message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.message.as_deref())
    }

    /// The parsed Roblox error response, if there was one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::InventoryPrivate { error, .. }
            | Error::RateLimited { error, .. }
            | Error::CredentialRefused { error, .. } => Some(error),
            Error::Unauthorized(error) | Error::Csrf(error) | Error::Api(error) => Some(error),
            Error::Challenge { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// How much of an undecodable body an error keeps.
const EXCERPT: usize = 200;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]);
    text.into_owned()
}

/// What an error response means for the operation that got it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorContext {
    /// The operation: what its answers mean comes from the operation table
    /// (`None`: a generated call converted without it, [`Error::from_api`]).
    pub operation: Option<Operation>,
    /// The user whose inventory was asked for, if any.
    pub user_id: Option<u64>,
}

/// What unlocks a private inventory on `host`.
/// What unlocks an Open Cloud answer that cannot say whether the inventory is
/// private or the credential was refused.
const UNLOCK_OR_REFUSED: &str = "an API key the user created with Inventory: Read, or an OAuth \
     token they granted user.inventory-item:read; or, if the inventory is not private, a credential \
     with that permission or scope whose IP allow-list includes this machine (Roblox's answer does \
     not say which)";

/// What `operation` needs of a credential: its accepted schemes and OAuth scopes, from the spec.
fn permission_needed(operation: Operation) -> String {
    let schemes: Vec<&str> = operation.schemes().iter().map(|s| s.name()).collect();
    let scopes = operation.oauth_scopes();
    let mut text = format!(
        "a credential of {} with the permission for this operation, usable from this machine's IP",
        schemes.join(" or ")
    );
    if !scopes.is_empty() {
        text.push_str(&format!(" (OAuth scopes: {})", scopes.join(", ")));
    }
    text
}

fn unlock(host: Host) -> &'static str {
    match host {
        // The operation's description (facts §1.1).
        Host::Cloud => {
            "an API key the user created with Inventory: Read, or an OAuth token they granted user.inventory-item:read"
        }
        _ => "the user's own .ROBLOSECURITY cookie (or Open Cloud with their API key or OAuth grant)",
    }
}

impl ErrorContext {
    pub(crate) const fn new(operation: Operation) -> Self {
        Self {
            operation: Some(operation),
            user_id: None,
        }
    }

    /// The context of a call about `user_id`'s inventory: the operation's
    /// private-inventory answer becomes [`Error::InventoryPrivate`].
    pub(crate) const fn about(mut self, user_id: u64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// Classifies an error response by the operation's documented answers.
    pub(crate) fn classify(
        &self,
        status: u16,
        body: &[u8],
        retry_after: Option<Duration>,
    ) -> Error {
        let error = ApiError::parse(status, body);
        let code = error.legacy_code();
        let private = self.operation.and_then(Operation::private_inventory);
        if let (Some(private), Some(operation)) = (private, self.operation) {
            let cloud_code = match &error.code {
                Some(ErrorCode::Cloud(code)) => Some(code.as_str()),
                _ => None,
            };
            let user_id = self.user_id;
            if let Some(user_id) = user_id.filter(|_| private.matches(status, code, cloud_code)) {
                return Error::InventoryPrivate {
                    user_id,
                    unlock: unlock(operation.host()),
                    error,
                };
            }
            // The endpoint answers "private" in its own shape; the same status
            // in the gateway's shape is the credential refused, and with no
            // body at all nothing tells the two apart (facts §4.2).
            if status == private.status && private.cloud_code.is_some() {
                match (&error.code, user_id) {
                    (Some(ErrorCode::Legacy(_)), _) => {
                        return Error::CredentialRefused {
                            operation,
                            needs: permission_needed(operation),
                            error,
                        }
                    }
                    (None, Some(user_id)) => {
                        return Error::InventoryPrivate {
                            user_id,
                            unlock: UNLOCK_OR_REFUSED,
                            error,
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(csrf) = self.operation.and_then(Operation::csrf) {
            if status == csrf.status && code == Some(csrf.code) {
                return Error::Csrf(error);
            }
        }
        match status {
            401 => Error::Unauthorized(error),
            429 => Error::RateLimited { retry_after, error },
            _ => Error::Api(error),
        }
    }

    /// Converts a generated-client error, reading the error body.
    /// A 403 that carries Roblox's challenge headers.
    fn challenge(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Option<Error> {
        let challenged = status == 403
            && (headers.contains_key("rblx-challenge-id")
                || headers.contains_key("rblx-challenge-type"));
        challenged.then(|| Error::Challenge {
            challenge_type: headers
                .get("rblx-challenge-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            error: ApiError::parse(status, body),
        })
    }

    pub(crate) async fn convert(&self, error: roblox_inventory_api::Error<ByteStream>) -> Error {
        use futures_util::TryStreamExt;
        use roblox_inventory_api::Error as E;
        match error {
            E::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let retry_after = crate::retry::retry_after(response.headers());
                let headers = response.headers().clone();
                let body: Result<Vec<bytes::Bytes>, _> =
                    response.into_inner().into_inner().try_collect().await;
                match body {
                    Ok(chunks) => {
                        let body = chunks.concat();
                        Self::challenge(status, &headers, &body)
                            .unwrap_or_else(|| self.classify(status, &body, retry_after))
                    }
                    Err(e) => transport(e),
                }
            }
            E::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let retry_after = crate::retry::retry_after(response.headers());
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => Self::challenge(status, &headers, &body)
                        .unwrap_or_else(|| self.classify(status, &body, retry_after)),
                    Err(e) => transport(e),
                }
            }
            E::InvalidResponsePayload(body, e) => Error::Decode {
                status: 200,
                reason: e.to_string(),
                excerpt: excerpt(&body),
            },
            E::CommunicationError(e) | E::ResponseBodyError(e) => transport(e),
            E::InvalidRequest(reason) => Error::InvalidArgument {
                name: self.operation.map_or("request", Operation::operation_id),
                reason,
            },
            other => Error::Decode {
                status: other.status().map(|s| s.as_u16()).unwrap_or(0),
                reason: other.to_string(),
                excerpt: String::new(),
            },
        }
    }
}

impl Error {
    /// The typed error for what a generated call through
    /// [`Client::cloud_api`](crate::Client::cloud_api) or
    /// [`Client::legacy_api`](crate::Client::legacy_api) returned: what the
    /// client decided ([`Error::NoSlotBeforeDeadline`], [`Error::DeadlineExceeded`],
    /// [`Error::BodyTooLarge`], [`Error::BudgetUnavailable`], [`Error::TokenSource`]
    /// with the token source's own error, [`Error::WrongHost`]) comes back as it
    /// was decided, and Roblox's answers are read as the ergonomic methods read
    /// them, except what only the operation tells ([`Error::InventoryPrivate`],
    /// [`Error::Csrf`]: see [`Error::from_api_for`]). The body of an error
    /// response is read here, hence `async`.
    ///
    /// ```no_run
    /// # async fn run(client: roblox_inventory::Client) -> Result<(), roblox_inventory::Error> {
    /// let page = match client.cloud_api().cloud_list_inventory_items().user_id("156").send().await {
    ///     Ok(page) => page.into_inner(),
    ///     Err(error) => return Err(roblox_inventory::Error::from_api(error).await),
    /// };
    /// # Ok(())
    /// # }
    /// ```
    pub async fn from_api(error: roblox_inventory_api::Error<ByteStream>) -> Error {
        ErrorContext {
            operation: None,
            user_id: None,
        }
        .convert(error)
        .await
    }

    /// [`Error::from_api`] for a call of `operation` about `user_id`'s inventory
    /// (`None` when it is about none): the operation's documented answers then
    /// become [`Error::InventoryPrivate`] and [`Error::Csrf`] too.
    pub async fn from_api_for(
        operation: Operation,
        user_id: Option<u64>,
        error: roblox_inventory_api::Error<ByteStream>,
    ) -> Error {
        ErrorContext {
            operation: Some(operation),
            user_id,
        }
        .convert(error)
        .await
    }
}

fn transport(e: reqwest::Error) -> Error {
    // What the executor decided travels as the source of the error it returned.
    if let Some(decided) = crate::executor::decided(&e) {
        return decided;
    }
    if e.is_timeout() {
        Error::Timeout(e)
    } else if e.is_decode() || e.is_body() {
        Error::Decode {
            status: e.status().map(|s| s.as_u16()).unwrap_or(0),
            reason: e.to_string(),
            excerpt: String::new(),
        }
    } else {
        Error::Transport(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_shapes_and_empty_bodies_parse() {
        let legacy = ApiError::parse(
            400,
            br#"{"errors":[{"code":7,"message":"The specified Asset does not exist!"}]}"#,
        );
        assert_eq!(legacy.code, Some(ErrorCode::Legacy(7)));
        assert_eq!(
            legacy.message.as_deref(),
            Some("The specified Asset does not exist!")
        );
        let cloud = ApiError::parse(
            403,
            br#"{"code":"PERMISSION_DENIED","message":"private","details":[]}"#,
        );
        assert_eq!(
            cloud.code,
            Some(ErrorCode::Cloud("PERMISSION_DENIED".into()))
        );
        let empty = ApiError::parse(500, b"");
        assert_eq!((empty.status, empty.code, empty.message), (500, None, None));
        assert_eq!(
            legacy.to_string(),
            "HTTP 400, code 7: The specified Asset does not exist!"
        );
    }

    #[test]
    fn classification_keys_on_status_and_code() {
        // The operation table says 403 code 4 means private here, and 403 code 0
        // is a refused X-CSRF-TOKEN on the collection writes.
        let context = ErrorContext::new(Operation::GetV2UsersInventory).about(5);
        let hidden = context.classify(403, br#"{"errors":[{"code":4,"message":"x"}]}"#, None);
        assert!(matches!(hidden, Error::InventoryPrivate { user_id: 5, .. }));
        let insufficient = context.classify(403, br#"{"errors":[{"code":3,"message":"x"}]}"#, None);
        assert!(matches!(insufficient, Error::Api(_)), "{insufficient:?}");
        let csrf = ErrorContext::new(Operation::PostV1CollectionsItems).classify(
            403,
            br#"{"errors":[{"code":0,"message":"Token Validation Failed"}]}"#,
            None,
        );
        assert!(matches!(csrf, Error::Csrf(_)));
        let limited = context.classify(429, b"", Some(Duration::from_secs(3)));
        assert!(
            matches!(limited, Error::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 3)
        );
        assert_eq!(limited.status(), Some(429));
    }
}
