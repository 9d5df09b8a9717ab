//! A response before faults and rate-limit headers: its status, body and
//! headers, and Roblox's two error bodies.

use super::*;

/// A response before faults and rate-limit headers are applied.
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) body: Vec<u8>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    pub(super) fn json(status: StatusCode, value: &Value) -> Self {
        Self {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: Vec::new(),
        }
    }

    pub(super) fn ok(value: &Value) -> Self {
        Self::json(StatusCode::OK, value)
    }

    /// The legacy (BEDEV1) error body `{"errors":[{"code":…,"message":…}]}` (facts §4.1).
    pub(super) fn legacy(status: u16, code: i64, message: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Self::json(
            status,
            &json!({"errors": [{"code": code, "message": message}]}),
        )
    }

    /// The legacy error body with the message the spec documents for
    /// `operation`'s `status` and `code` (or for another operation on the same
    /// path: the collection writes share theirs).
    pub(super) fn documented(operation: Operation, status: u16, code: Option<i64>) -> Self {
        let documented = std::iter::once(operation)
            .chain(
                Operation::ALL
                    .iter()
                    .copied()
                    .filter(|o| o.path() == operation.path()),
            )
            .find_map(|o| {
                o.error_codes()
                    .iter()
                    .find(|c| c.status == status && (c.code == code || c.code.is_none()))
            });
        match documented {
            Some(documented) => Self::legacy(status, code.unwrap_or(0), documented.message),
            None => Self::legacy(status, code.unwrap_or(0), "An undocumented error."),
        }
    }

    /// The Open Cloud v2 error body `{"code":…,"message":…,"details":[]}` (facts §4.2).
    pub(super) fn cloud(status: u16, code: &str, message: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Self::json(
            status,
            &json!({"code": code, "message": message, "details": []}),
        )
    }

    pub(super) fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), value));
        }
        self
    }
}
