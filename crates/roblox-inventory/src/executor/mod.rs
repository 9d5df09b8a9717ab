//! The request executor every generated operation goes through: credentials
//! for the operation, the X-CSRF-TOKEN exchange, the request budget, retries,
//! buffered bodies and tracing, in one place.
//!
//! # Facts from the spec
//!
//! Everything the executor knows about an operation comes from the generated
//! operation table ([`Operation`]): which credential it carries (the first
//! scheme of the operation's `security` this client has, placed where the
//! scheme says), whether it needs the X-CSRF-TOKEN exchange and how a refused
//! token is answered, and which rate limits count it. A generated client is
//! bound to one host ([`Hooks::bound_to`](roblox_inventory_api::Hooks::bound_to));
//! an operation of another host called through it is refused before anything
//! is sent ([`Error::WrongHost`]), so a credential reaches only the base URL
//! configured for the host that takes it.
//!
//! # How a decision reaches the caller
//!
//! progenitor's hook returns a `reqwest::Result`, and reqwest has no public
//! constructor for its error. When the executor decides instead of Roblox (no
//! budget before the deadline, the operation's deadline passed, a body past the
//! cap, the budget's store down, the token source failed, the wrong host), it
//! returns the one `reqwest::Error` it can make: the error of reading a body
//! stream that fails with the decision, [`Decided`], as its source. The
//! generated call returns it as `Error::CommunicationError`; the ergonomic
//! methods, and [`Error::from_api`] for escape-hatch callers, find the
//! decision in its source chain and return it as it was made, typed (a token
//! source's own error included). No response is made up, no header is
//! reserved, nothing is kept anywhere but in the error the caller holds, and a
//! server cannot forge one.

mod credentials;
mod decision;
#[cfg(feature = "unstable-test-hooks")]
mod inspect;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Response};
use roblox_inventory_api::operations::{Host, Operation};
use roblox_inventory_api::{ExecuteFuture, RequestExecutor};
use secrecy::ExposeSecret;

use crate::auth::OAuthToken;
use crate::budget::{BudgetError, BudgetKey, RateLimitHeaders, Report, RequestBudget};
use crate::client::{lock, RateLimitInfo, Shared};
use crate::error::Error;
use crate::retry::{retry_after, retryable_status};

pub(crate) use credentials::Carried;
pub(crate) use decision::{decided, mint};
#[cfg(feature = "unstable-test-hooks")]
pub use inspect::{handle_response, handle_response_bytes};

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

/// Why an attempt ended without a response to hand back.
enum Failure {
    /// reqwest failed (connect, timeout, a body cut off).
    Transport(reqwest::Error),
    /// The client decided.
    Decided(Error),
}

type Outcome = Result<Response, Failure>;

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

/// The operation's deadline passed, `began` being when the call began.
fn deadline_passed(operation: Operation, began: Instant) -> Failure {
    Failure::Decided(Error::DeadlineExceeded {
        operation,
        after: began.elapsed(),
    })
}

impl Executor {
    /// Puts the credential `carried` on the request, and nothing else.
    fn authorize(request: &mut Request, carried: Carried<'_>) {
        let headers = request.headers_mut();
        // progenitor sends the spec's info.version as `api-version`; Roblox has no use for it.
        headers.remove("api-version");
        match carried {
            Carried::Header(name, key) => {
                if let (Ok(name), Some(value)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    sensitive(key.expose()),
                ) {
                    headers.insert(name, value);
                }
            }
            Carried::Cookie(name, cookie) => {
                if let Some(value) = sensitive(&format!("{name}={}", cookie.expose())) {
                    headers.insert(reqwest::header::COOKIE, value);
                }
            }
            // Asked for on every attempt, in `send`.
            Carried::Bearer(_) | Carried::Nothing => {}
        }
    }

    fn record(&self, operation: Operation, response: &Response, headers: &RateLimitHeaders) {
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

    /// Sends with retries for idempotent requests, each attempt within the
    /// budget, the whole call within `operation_timeout`: the token source
    /// (and its store), the budget (a custom one may ignore its deadline) and
    /// every attempt are all inside it.
    async fn send(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation: Operation,
        oauth: Option<&OAuthToken>,
    ) -> Outcome {
        let began = Instant::now();
        let deadline = began.checked_add(self.shared.operation_timeout);
        let attempts = self.attempts(client, request, operation, oauth, began, deadline);
        let Some(deadline) = deadline else {
            return attempts.await;
        };
        match tokio::time::timeout_at(deadline.into(), attempts).await {
            Ok(outcome) => outcome,
            Err(_) => Err(deadline_passed(operation, began)),
        }
    }

    /// The attempts of [`Executor::send`], begun at `began`, to end by `deadline`.
    async fn attempts(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation: Operation,
        oauth: Option<&OAuthToken>,
        began: Instant,
        deadline: Option<Instant>,
    ) -> Outcome {
        let idempotent = matches!(*request.method(), Method::GET | Method::HEAD);
        let key = self.shared.budget_key(operation);
        let budget: &dyn RequestBudget = &*self.shared.budget;
        let mut delays = self.shared.retry.delays();
        let mut attempt = 1u32;
        // After a 401, a token source is asked for a fresh token, once, told
        // which token was refused (so a shared source refreshes once for many);
        // a fixed token's 401 is final.
        let (mut refused, mut refreshed): (Option<secrecy::SecretString>, bool) = (None, false);
        let mut sent: Option<secrecy::SecretString> = None;
        loop {
            let Some(mut this) = request.try_clone() else {
                return client.execute(request).await.map_err(Failure::Transport);
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
                    Err(error) => return Err(Failure::Decided(Error::TokenSource(error))),
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
                        %operation,
                        attempt,
                        ready_in_ms = no_slot.ready_in.as_millis() as u64,
                        "no request slot before the deadline"
                    );
                    return Err(Failure::Decided(Error::NoSlotBeforeDeadline {
                        operation,
                        ready_in: no_slot.ready_in,
                    }));
                }
                Err(BudgetError::Unavailable { reason }) => {
                    tracing::warn!(%operation, attempt, %reason, "the request budget is unavailable");
                    return Err(Failure::Decided(Error::BudgetUnavailable {
                        operation,
                        reason,
                    }));
                }
            }
            // The slot is the ticket's from here: whatever ends this attempt
            // (the deadline just below included) reports it.
            let ticket = Ticket {
                budget,
                key,
                reported: false,
            };
            // This attempt may take what is left of the operation, at most the
            // configured attempt timeout.
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(deadline_passed(operation, began));
                }
                *this.timeout_mut() = Some(left.min(self.shared.attempt_timeout));
            }
            lock(&self.shared.sent).count(operation);
            let started = Instant::now();
            let mut result: Outcome = client.execute(this).await.map_err(Failure::Transport);
            if idempotent {
                // Read the body here, so a connection cut mid-body is retried like any
                // other failure instead of surfacing in the generated decoder.
                result = match result {
                    Ok(response) => buffered(response, self.shared.max_body_bytes, operation).await,
                    Err(error) => Err(error),
                };
            }
            if oauth.is_some_and(|source| source.can_refresh())
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
                    %operation,
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
                        %operation,
                        attempt,
                        status = response.status().as_u16(),
                        latency_ms = started.elapsed().as_millis() as u64,
                        "roblox request"
                    );
                    retryable_status(response.status().as_u16())
                        .then(|| retry_after(response.headers()))
                }
                Err(Failure::Transport(error)) => {
                    ticket.report(Report::NoResponse);
                    tracing::debug!(%operation, attempt, error = %error, latency_ms = started.elapsed().as_millis() as u64, "roblox request failed");
                    (error.is_connect()
                        || error.is_timeout()
                        || error.is_body()
                        || error.is_decode())
                    .then_some(None)
                }
                // A response arrived (its body was past the cap): never retried.
                Err(Failure::Decided(_)) => {
                    ticket.report(Report::NoResponse);
                    None
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
                return Err(deadline_passed(operation, began));
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn execute_inner(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: Option<Operation>,
        bound: Option<Host>,
    ) -> Outcome {
        let Some(operation) = operation else {
            return Err(Failure::Decided(Error::InvalidArgument {
                name: "operation",
                reason:
                    "the generated client called an operation the operation table does not know"
                        .into(),
            }));
        };
        // A client is bound to the base URL of one host: another host's operation
        // would go there with this host's credential.
        match bound {
            Some(host) if host == operation.host() => {}
            Some(host) => {
                return Err(Failure::Decided(Error::WrongHost {
                    operation,
                    client: host,
                }))
            }
            None => {
                return Err(Failure::Decided(Error::InvalidArgument {
                    name: "operation",
                    reason: format!("{operation}: the client is bound to no host"),
                }))
            }
        }
        if let Err(missing) = self.shared.require_credential(operation) {
            return Err(Failure::Decided(missing));
        }
        let carried = self.shared.carried(operation);
        Self::authorize(&mut request, carried);
        let oauth = match carried {
            Carried::Bearer(token) => Some(token),
            _ => None,
        };
        let csrf = operation
            .csrf()
            .filter(|_| matches!(carried, Carried::Cookie(..)));
        let Some(csrf) = csrf else {
            return self.send(client, request, operation, oauth).await;
        };
        // Cookie-authenticated writes: send the cached X-CSRF-TOKEN; when the
        // answer is the documented refusal and carries a new one, store it and
        // retry once (facts §4.3).
        let Ok(header) = HeaderName::from_bytes(csrf.header.as_bytes()) else {
            return self.send(client, request, operation, oauth).await;
        };
        if let Some(token) = lock(&self.shared.csrf)
            .clone()
            .and_then(|t| HeaderValue::from_str(&t).ok())
        {
            request.headers_mut().insert(header.clone(), token);
        }
        let retry = request.try_clone();
        let response = self.send(client, request, operation, oauth).await?;
        let fresh = response
            .headers()
            .get(&header)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match (response.status().as_u16() == csrf.status, fresh, retry) {
            (true, Some(token), Some(mut again)) => {
                *lock(&self.shared.csrf) = Some(token.clone());
                if let Ok(value) = HeaderValue::from_str(&token) {
                    again.headers_mut().insert(header, value);
                }
                self.send(client, again, operation, oauth).await
            }
            _ => Ok(response),
        }
    }
}

/// The same response with its body read into memory, or
/// [`Error::BodyTooLarge`] when the body is larger than `cap`.
async fn buffered(mut response: Response, cap: usize, operation: Operation) -> Outcome {
    let too_large = || {
        Failure::Decided(Error::BodyTooLarge {
            operation,
            limit: cap,
        })
    };
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
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
        operation: Option<Operation>,
        bound: Option<Host>,
    ) -> ExecuteFuture<'a> {
        use tracing::Instrument;
        // One span per operation call; its events carry attempt, status and
        // latency. Nothing from headers is recorded, so no credential can leak.
        let span = tracing::debug_span!(
            "roblox",
            operation = operation.map_or("unknown", Operation::operation_id),
            method = %request.method()
        );
        Box::pin(
            async move {
                match self.execute_inner(client, request, operation, bound).await {
                    Ok(response) => Ok(response),
                    Err(Failure::Transport(error)) => Err(error),
                    Err(Failure::Decided(decision)) => Err(mint(decision)),
                }
            }
            .instrument(span),
        )
    }
}
