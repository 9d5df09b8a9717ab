//! The request executor every generated operation goes through: credentials
//! for the host, the X-CSRF-TOKEN exchange, the request budget, retries,
//! buffered bodies and tracing, in one place.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Response};
use roblox_inventory_api::{ExecuteFuture, RequestExecutor};
use secrecy::ExposeSecret;

use crate::auth::CloudCredential;
use crate::budget::{BudgetError, BudgetKey, Counted, RateLimitHeaders, Report, RequestBudget};
use crate::client::{lock, RateLimitInfo, Shared};
use crate::retry::{retry_after, retryable_status};

/// The header of the response the executor makes up when the budget has no slot
/// before the caller's deadline: milliseconds until it expects one. Error
/// conversion turns it into [`Error::NoSlotBeforeDeadline`](crate::Error::NoSlotBeforeDeadline);
/// no request was sent.
pub(crate) const NO_SLOT_HEADER: &str = "x-roblox-inventory-no-slot-ms";

/// The header of the stand-in response for "the operation's deadline passed":
/// milliseconds since the call began. Becomes [`Error::DeadlineExceeded`](crate::Error::DeadlineExceeded).
pub(crate) const DEADLINE_HEADER: &str = "x-roblox-inventory-deadline-ms";

/// The header of the stand-in response for "the body was larger than the cap":
/// the cap in bytes. Becomes [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
pub(crate) const BODY_CAP_HEADER: &str = "x-roblox-inventory-body-cap";

/// The header of the stand-in response for "the OAuth token source failed"; its
/// body is the source's message. Becomes [`Error::TokenSource`](crate::Error::TokenSource).
pub(crate) const TOKEN_ERROR_HEADER: &str = "x-roblox-inventory-token-error";
/// The header of the stand-in response for "the request budget is unavailable"
/// (its store is down and its policy refuses); converted into
/// [`Error::BudgetUnavailable`](crate::Error::BudgetUnavailable).
pub(crate) const UNAVAILABLE_HEADER: &str = "x-roblox-inventory-budget-unavailable";

/// How long a call may wait for the request budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BudgetWait {
    /// At most this long per request.
    pub max_wait: Option<Duration>,
    /// Never past this instant.
    pub deadline: Option<Instant>,
}

impl BudgetWait {
    fn deadline_from(&self, now: Instant) -> Option<Instant> {
        let by_wait = self.max_wait.and_then(|w| now.checked_add(w));
        match (by_wait, self.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Adds credentials, runs the X-CSRF-TOKEN exchange, paces and retries.
pub(crate) struct Executor {
    pub(crate) shared: Arc<Shared>,
    pub(crate) wait: BudgetWait,
}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Reports a request to the budget exactly once, also when the request future
/// is dropped before it completes.
struct Ticket<'a> {
    budget: &'a dyn RequestBudget,
    key: BudgetKey,
    reported: bool,
}

impl Ticket<'_> {
    fn report(mut self, report: Report) {
        self.reported = true;
        self.budget.report(self.key, report);
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.reported {
            self.budget.report(self.key, Report::NoResponse);
        }
    }
}

impl Executor {
    /// Puts the credential the host takes on the request, and nothing else.
    fn authorize(&self, request: &mut Request, cloud: bool) {
        let headers = request.headers_mut();
        // progenitor sends the spec's info.version as `api-version`; Roblox has no use for it.
        headers.remove("api-version");
        if cloud {
            match &self.shared.cloud_credential {
                Some(CloudCredential::ApiKey(key)) => {
                    if let Some(value) = sensitive(key.expose()) {
                        headers.insert(HeaderName::from_static("x-api-key"), value);
                    }
                }
                // Asked for on every attempt, in `send`.
                Some(CloudCredential::OAuth(_)) | None => {}
            }
        } else if let Some(cookie) = &self.shared.cookie {
            if let Some(value) = sensitive(&format!(".ROBLOSECURITY={}", cookie.expose())) {
                headers.insert(reqwest::header::COOKIE, value);
            }
        }
    }

    fn record(&self, operation: &'static str, response: &Response, headers: &RateLimitHeaders) {
        let raw = response.headers();
        if raw.contains_key("x-ratelimit-limit") || raw.contains_key("x-ratelimit-remaining") {
            *lock(&self.shared.last_rate_limit) = Some(RateLimitInfo {
                operation,
                limit: raw
                    .get("x-ratelimit-limit")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                remaining: headers.remaining.map(u64::from),
                reset: headers.reset,
            });
        }
    }

    /// Sends with retries for idempotent requests, each attempt within the budget.
    async fn send(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let idempotent = matches!(*request.method(), Method::GET | Method::HEAD);
        let key = self.shared.budget_key(operation);
        let budget: &dyn RequestBudget = &*self.shared.budget;
        let mut delays = self.shared.retry.delays();
        let mut attempt = 1u32;
        let began = Instant::now();
        let deadline = began.checked_add(self.shared.operation_timeout);
        let oauth = match (
            operation.starts_with("cloud_"),
            &self.shared.cloud_credential,
        ) {
            (true, Some(CloudCredential::OAuth(source))) => Some(source),
            _ => None,
        };
        // After a 401, the token source is asked for a fresh token, once, told
        // which token was refused (so a shared source refreshes once for many).
        let (mut refused, mut refreshed): (Option<secrecy::SecretString>, bool) = (None, false);
        let mut sent: Option<secrecy::SecretString> = None;
        loop {
            let Some(mut this) = request.try_clone() else {
                return client.execute(request).await;
            };
            if let Some(source) = oauth {
                // Every attempt asks the source: a retry never reuses a stale token,
                // and concurrent calls never share one slot.
                match source.get(refused.take().as_ref()).await {
                    Ok(token) => {
                        if let Some(value) = sensitive(&format!("Bearer {}", token.expose_secret()))
                        {
                            this.headers_mut()
                                .insert(reqwest::header::AUTHORIZATION, value);
                        }
                        sent = Some(token);
                    }
                    Err(error) => return Ok(token_error_response(error)),
                }
            }
            let budget_deadline = match (self.wait.deadline_from(Instant::now()), deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match budget.acquire(key, budget_deadline).await {
                Ok(()) => {}
                Err(BudgetError::NoSlot(no_slot)) => {
                    tracing::debug!(
                        operation,
                        attempt,
                        ready_in_ms = no_slot.ready_in.as_millis() as u64,
                        "no request slot before the deadline"
                    );
                    return Ok(no_slot_response(no_slot.ready_in));
                }
                Err(BudgetError::Unavailable { reason }) => {
                    tracing::warn!(operation, attempt, %reason, "the request budget is unavailable");
                    return Ok(unavailable_response(&reason));
                }
            }
            // This attempt may take what is left of the operation, at most the
            // configured attempt timeout.
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(deadline_response(began.elapsed()));
                }
                *this.timeout_mut() = Some(left.min(self.shared.attempt_timeout));
            }
            let ticket = Ticket {
                budget,
                key,
                reported: false,
            };
            let started = Instant::now();
            let mut result = client.execute(this).await;
            if idempotent {
                // Read the body here, so a connection cut mid-body is retried like any
                // other failure instead of surfacing in the generated decoder.
                result = match result {
                    Ok(response) => buffered(response, self.shared.max_body_bytes).await,
                    Err(error) => Err(error),
                };
            }
            if oauth.is_some()
                && !refreshed
                && result
                    .as_ref()
                    .is_ok_and(|r| r.status() == http::StatusCode::UNAUTHORIZED)
            {
                (refused, refreshed) = (sent.take(), true);
                if let Ok(response) = &result {
                    ticket.report(Report::Response {
                        status: 401,
                        headers: RateLimitHeaders::parse(response.headers()),
                    });
                }
                tracing::debug!(
                    operation,
                    attempt,
                    "401 with an OAuth token: asking the source for a fresh one"
                );
                attempt += 1;
                continue;
            }
            let hint = match &result {
                Ok(response) => {
                    let headers = RateLimitHeaders::parse(response.headers());
                    ticket.report(Report::Response {
                        status: response.status().as_u16(),
                        headers,
                    });
                    self.record(operation, response, &headers);
                    tracing::debug!(
                        operation,
                        attempt,
                        status = response.status().as_u16(),
                        latency_ms = started.elapsed().as_millis() as u64,
                        "roblox request"
                    );
                    retryable_status(response.status().as_u16())
                        .then(|| retry_after(response.headers()))
                }
                Err(error) => {
                    ticket.report(Report::NoResponse);
                    tracing::debug!(operation, attempt, error = %error, latency_ms = started.elapsed().as_millis() as u64, "roblox request failed");
                    (error.is_connect()
                        || error.is_timeout()
                        || error.is_body()
                        || error.is_decode())
                    .then_some(None)
                }
            };
            let Some(hint) = hint.filter(|_| idempotent) else {
                return result;
            };
            let Some(backoff) = delays.next() else {
                return result;
            };
            let delay = match hint {
                Some(asked) if asked > self.shared.retry.max_retry_after => return result,
                Some(asked) => asked,
                None => backoff,
            };
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                return Ok(deadline_response(began.elapsed()));
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn execute_inner(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let cloud = operation.starts_with("cloud_");
        self.authorize(&mut request, cloud);
        let csrf = !cloud
            && self.shared.cookie.is_some()
            && matches!(*request.method(), Method::POST | Method::DELETE);
        if !csrf {
            return self.send(client, request, operation).await;
        }
        // Cookie-authenticated writes: send the cached X-CSRF-TOKEN; on a 403 that
        // carries a new one, store it and retry once (facts §4.3). Keyed on the header.
        if let Some(token) = lock(&self.shared.csrf)
            .clone()
            .and_then(|t| HeaderValue::from_str(&t).ok())
        {
            request.headers_mut().insert("x-csrf-token", token);
        }
        let retry = request.try_clone();
        let response = self.send(client, request, operation).await?;
        let fresh = response
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match (response.status().as_u16(), fresh, retry) {
            (403, Some(token), Some(mut again)) => {
                *lock(&self.shared.csrf) = Some(token.clone());
                if let Ok(value) = HeaderValue::from_str(&token) {
                    again.headers_mut().insert("x-csrf-token", value);
                }
                self.send(client, again, operation).await
            }
            _ => Ok(response),
        }
    }
}

impl Shared {
    /// The budget key of `operation`'s requests: the operation, the kind of
    /// credential and which one.
    pub(crate) fn budget_key(&self, operation: &'static str) -> BudgetKey {
        let counted = self.counted(operation);
        let scope = match counted {
            Counted::Legacy => self.legacy_scope,
            _ => self.cloud_scope,
        };
        BudgetKey::new(operation, counted).with_scope(scope)
    }

    /// Which credential the operation's requests are counted against.
    pub(crate) fn counted(&self, operation: &str) -> Counted {
        match (operation.starts_with("cloud_"), &self.cloud_credential) {
            (true, Some(CloudCredential::OAuth(_))) => Counted::OAuth,
            (true, _) => Counted::ApiKey,
            (false, _) => Counted::Legacy,
        }
    }
}

/// The response standing for "no budget before the deadline" (see [`NO_SLOT_HEADER`]).
fn no_slot_response(ready_in: Duration) -> Response {
    marker_response(
        http::StatusCode::TOO_MANY_REQUESTS,
        NO_SLOT_HEADER,
        u64::try_from(ready_in.as_millis()).unwrap_or(u64::MAX),
    )
}

/// A stand-in response carrying one marker header (see the `*_HEADER` constants).
fn marker_response(status: http::StatusCode, header: &'static str, value: u64) -> Response {
    marker_response_with_body(status, header, value, String::new())
}

/// A stand-in response carrying one marker header and a message as its body.
fn marker_response_with_body(
    status: http::StatusCode,
    header: &'static str,
    value: u64,
    body: String,
) -> Response {
    let mut response = http::Response::new(bytes::Bytes::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header, HeaderValue::from(value));
    Response::from(response)
}

/// Token-source failures on their way to the caller, by the id their stand-in
/// response carries: the caller gets the source's own error back (an
/// `OAuthError::InvalidGrant` stays one), not its text. Bounded: a stand-in
/// nobody converts (a raw `cloud_api()` caller) cannot grow it without end.
static TOKEN_ERRORS: std::sync::Mutex<Vec<(u64, crate::auth::TokenError)>> =
    std::sync::Mutex::new(Vec::new());
static TOKEN_ERROR_IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
const TOKEN_ERRORS_KEPT: usize = 256;

/// The token-source error a stand-in response with `id` stands for, taken out.
pub(crate) fn take_token_error(id: u64) -> Option<crate::auth::TokenError> {
    let mut kept = lock(&TOKEN_ERRORS);
    let at = kept.iter().position(|(k, _)| *k == id)?;
    Some(kept.swap_remove(at).1)
}

/// The response standing for "the token source failed": the error kept under
/// the id in [`TOKEN_ERROR_HEADER`], its message as the body.
fn token_error_response(error: crate::auth::TokenError) -> Response {
    let id = TOKEN_ERROR_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let message = error.to_string();
    {
        let mut kept = lock(&TOKEN_ERRORS);
        if kept.len() >= TOKEN_ERRORS_KEPT {
            kept.remove(0);
        }
        kept.push((id, error));
    }
    marker_response_with_body(
        http::StatusCode::UNAUTHORIZED,
        TOKEN_ERROR_HEADER,
        id,
        message,
    )
}

/// The response standing for "the budget is unavailable and refuses" (see
/// [`UNAVAILABLE_HEADER`]): the reason as the body.
fn unavailable_response(reason: &str) -> Response {
    marker_response_with_body(
        http::StatusCode::SERVICE_UNAVAILABLE,
        UNAVAILABLE_HEADER,
        1,
        reason.to_string(),
    )
}

/// The response standing for "the operation's deadline passed" (see [`DEADLINE_HEADER`]).
fn deadline_response(elapsed: Duration) -> Response {
    marker_response(
        http::StatusCode::GATEWAY_TIMEOUT,
        DEADLINE_HEADER,
        u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    )
}

/// The same response with its body read into memory, or a stand-in (see
/// [`BODY_CAP_HEADER`]) when the body is larger than `cap`.
async fn buffered(mut response: Response, cap: usize) -> reqwest::Result<Response> {
    // 413: not a status the executor retries.
    let too_large = || {
        marker_response(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            BODY_CAP_HEADER,
            cap as u64,
        )
    };
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(too_large());
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let mut rebuilt = http::Response::new(body.freeze());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(Response::from(rebuilt))
}

impl RequestExecutor for Executor {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> ExecuteFuture<'a> {
        use tracing::Instrument;
        // One span per operation call; its events carry attempt, status and
        // latency. Nothing from headers is recorded, so no credential can leak.
        let span =
            tracing::debug_span!("roblox", operation = operation_id, method = %request.method());
        Box::pin(
            self.execute_inner(client, request, operation_id)
                .instrument(span),
        )
    }
}

/// What the client does with a response before its body is decoded, for the
/// fuzz target and the property test: read the rate-limit headers, report them
/// to a budget and ask it what is left, work out the retry hint, and turn an
/// error status and body into an [`Error`](crate::Error). Never panics.
#[doc(hidden)]
pub fn handle_response(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Option<crate::Error> {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    let budget = crate::budget::LocalBudget::default();
    let key = BudgetKey::new("cloud_list_inventory_items", Counted::ApiKey);
    let read = RateLimitHeaders::parse(&map);
    budget.report(
        key,
        Report::Response {
            status,
            headers: read,
        },
    );
    let _ = budget.outlook(key);
    let hint = retryable_status(status)
        .then(|| retry_after(&map))
        .flatten();
    (status >= 400).then(|| {
        crate::error::ErrorContext::new("Cloud_ListInventoryItems").classify(status, body, hint)
    })
}

/// [`handle_response`] on arbitrary bytes (the fuzz target `responses` and its
/// regression inputs): two bytes of status, then `name: value` header lines up to
/// an empty line, then the body.
#[doc(hidden)]
pub fn handle_response_bytes(data: &[u8]) -> Option<crate::Error> {
    let (status, rest) = match data {
        [a, b, rest @ ..] => (100 + u16::from_be_bytes([*a, *b]) % 500, rest),
        _ => (200, data),
    };
    let text = String::from_utf8_lossy(rest);
    let mut headers = Vec::new();
    let mut lines = text.split('\n');
    let mut consumed = 0;
    for line in lines.by_ref() {
        consumed += line.len() + 1;
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let body = text
        .as_bytes()
        .get(consumed.min(text.len())..)
        .unwrap_or_default();
    handle_response(status, &headers, body)
}
