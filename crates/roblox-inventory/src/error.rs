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
        operation: &'static str,
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
        operation: &'static str,
        /// How long the call had run.
        after: Duration,
    },
    /// The response body was larger than
    /// [`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes); it was not read.
    #[error("{operation}: the response body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The cap in bytes.
        limit: usize,
    },
    /// The request budget's store (Redis) cannot be reached and its failure
    /// policy is to refuse ([`FailurePolicy::FailClosed`](crate::budget::FailurePolicy));
    /// nothing was sent.
    #[error("{operation}: the request budget is unavailable ({reason}); nothing was sent")]
    BudgetUnavailable {
        /// The operation.
        operation: &'static str,
        /// Why.
        reason: String,
    },
    /// The request budget had no slot before the deadline the caller set
    /// ([`ClientBuilder::max_budget_wait`](crate::ClientBuilder::max_budget_wait),
    /// [`Client::with_budget_deadline`](crate::Client::with_budget_deadline)); nothing was sent.
    #[error("no request slot for {operation} before the deadline (the budget expects one in {} ms)", ready_in.as_millis())]
    NoSlotBeforeDeadline {
        /// The operation.
        operation: &'static str,
        /// How long until the budget expects a slot (zero if it could not tell).
        ready_in: Duration,
    },
}

impl Error {
    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InventoryPrivate { error, .. } | Error::RateLimited { error, .. } => {
                Some(error.status)
            }
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
            Error::InventoryPrivate { error, .. } | Error::RateLimited { error, .. } => Some(error),
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
    /// The operation, for messages.
    pub operation: &'static str,
    /// The user whose inventory was asked for, if any.
    pub user_id: Option<u64>,
    /// What unlocks a private inventory for this operation.
    pub unlock: Option<&'static str>,
    /// The status and legacy code (None: any 403) that mean "private" here.
    pub private_when: Option<(u16, Option<i64>)>,
}

/// The message an executor stand-in response carries as its body.
async fn stand_in_message(response: roblox_inventory_api::ResponseValue<ByteStream>) -> String {
    use futures_util::TryStreamExt;
    let body: Result<Vec<bytes::Bytes>, _> = response.into_inner().into_inner().try_collect().await;
    body.map(|chunks| String::from_utf8_lossy(&chunks.concat()).into_owned())
        .unwrap_or_default()
}

impl ErrorContext {
    pub(crate) const fn new(operation: &'static str) -> Self {
        Self {
            operation,
            user_id: None,
            unlock: None,
            private_when: None,
        }
    }

    pub(crate) const fn private(
        mut self,
        user_id: u64,
        status: u16,
        code: Option<i64>,
        unlock: &'static str,
    ) -> Self {
        self.user_id = Some(user_id);
        self.unlock = Some(unlock);
        self.private_when = Some((status, code));
        self
    }

    /// Classifies an error response.
    pub(crate) fn classify(
        &self,
        status: u16,
        body: &[u8],
        retry_after: Option<Duration>,
    ) -> Error {
        let error = ApiError::parse(status, body);
        if let (Some((private_status, code)), Some(user_id), Some(unlock)) =
            (self.private_when, self.user_id, self.unlock)
        {
            let code_matches = code.is_none() || error.legacy_code() == code;
            if status == private_status && code_matches {
                return Error::InventoryPrivate {
                    user_id,
                    unlock,
                    error,
                };
            }
        }
        match status {
            401 => Error::Unauthorized(error),
            403 if error.legacy_code() == Some(0)
                && error
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains("Token Validation")) =>
            {
                Error::Csrf(error)
            }
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

    /// The executor's stand-in responses: no budget before the deadline, the
    /// operation's deadline passed, a body past the cap.
    fn no_slot(&self, headers: &reqwest::header::HeaderMap) -> Option<Error> {
        use crate::executor::{BODY_CAP_HEADER, DEADLINE_HEADER, NO_SLOT_HEADER};
        let number = |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.parse().ok() };
        let operation = self.operation;
        if let Some(ms) = number(NO_SLOT_HEADER) {
            return Some(Error::NoSlotBeforeDeadline {
                operation,
                ready_in: Duration::from_millis(ms),
            });
        }
        if let Some(ms) = number(DEADLINE_HEADER) {
            return Some(Error::DeadlineExceeded {
                operation,
                after: Duration::from_millis(ms),
            });
        }
        number(BODY_CAP_HEADER).map(|limit| Error::BodyTooLarge {
            operation,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        })
    }

    pub(crate) async fn convert(&self, error: roblox_inventory_api::Error<ByteStream>) -> Error {
        use futures_util::TryStreamExt;
        use roblox_inventory_api::Error as E;
        match error {
            E::ErrorResponse(response) => {
                if let Some(error) = self.no_slot(response.headers()) {
                    return error;
                }
                if let Some(id) = response
                    .headers()
                    .get(crate::executor::TOKEN_ERROR_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    if let Some(error) = crate::executor::take_token_error(id) {
                        return Error::TokenSource(error);
                    }
                    return Error::TokenSource(stand_in_message(response).await.into());
                }
                if response
                    .headers()
                    .contains_key(crate::executor::UNAVAILABLE_HEADER)
                {
                    return Error::BudgetUnavailable {
                        operation: self.operation,
                        reason: stand_in_message(response).await,
                    };
                }
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
                if let Some(error) = self.no_slot(response.headers()) {
                    return error;
                }
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
                name: self.operation,
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

fn transport(e: reqwest::Error) -> Error {
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
        let context = ErrorContext::new("op").private(5, 403, Some(4), "the key");
        let hidden = context.classify(403, br#"{"errors":[{"code":4,"message":"x"}]}"#, None);
        assert!(matches!(hidden, Error::InventoryPrivate { user_id: 5, .. }));
        let csrf = context.classify(
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
