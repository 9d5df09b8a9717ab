//! What the client does with a response before its body is decoded, as plain
//! functions for the fuzz target `responses` and the property test.

use reqwest::header::HeaderValue;
use roblox_inventory_api::operations::Operation;

use crate::budget::{BudgetKey, Counted, RateLimitHeaders, Report, RequestBudget};
use crate::retry::{retry_after, retryable_status};

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
    let key = BudgetKey::new(Operation::CloudListInventoryItems, Counted::ApiKey);
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
        crate::error::ErrorContext::new(Operation::CloudListInventoryItems)
            .classify(status, body, hint)
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
