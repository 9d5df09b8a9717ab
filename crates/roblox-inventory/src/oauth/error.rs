//! What can go wrong in an OAuth flow.

use crate::auth::TokenError;

/// An OAuth 2.0 failure. Never carries a token, code, verifier or secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The code, refresh token or grant is no longer valid (used, expired,
    /// revoked, or issued to another client): the user must authorize again.
    #[error("invalid_grant: the user must authorize again ({description})")]
    InvalidGrant {
        /// Roblox's `error_description`.
        description: String,
    },
    /// The client id or secret was refused.
    #[error("invalid_client: the app's credentials were refused ({description})")]
    InvalidClient {
        /// Roblox's `error_description`.
        description: String,
    },
    /// Another RFC 6749 error from a token endpoint (`invalid_request`,
    /// `invalid_scope`, `unsupported_grant_type`, …).
    #[error("{code}: {description}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The RFC 6749 `error` code.
        code: String,
        /// Roblox's `error_description`.
        description: String,
    },
    /// The gateway's `{"errors":[{"code":…,"message":…}]}` answer, or another
    /// unexpected status.
    #[error("HTTP {status} from the OAuth endpoint: {message}")]
    Gateway {
        /// The HTTP status.
        status: u16,
        /// The first error's message, or the body's start.
        message: String,
    },
    /// The authorization server redirected back with an error (`access_denied`,
    /// `login_required`, …).
    #[error("authorization failed: {code}: {description}")]
    Denied {
        /// The `error` parameter.
        code: String,
        /// The `error_description` parameter.
        description: String,
    },
    /// The callback's `state` is not the one this authorization sent: a forged
    /// or crossed callback. Nothing was exchanged.
    #[error("the callback's state does not match the pending authorization")]
    StateMismatch,
    /// The callback URL or query has neither a code nor an error.
    #[error("not an OAuth callback: {0}")]
    InvalidCallback(String),
    /// The token response lacks something the flow needs (a refresh token to
    /// keep the session alive, or an access token).
    #[error("the token response has no {0}")]
    Missing(&'static str),
    /// A configuration value was refused (an endpoint URL, a redirect URI).
    #[error("invalid {name}: {reason}")]
    Invalid {
        /// What was refused.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// Saving a rotated token set failed; the new tokens were not used.
    #[error("the token store could not save the rotated tokens: {0}")]
    Store(#[source] TokenError),
    /// The request did not complete.
    #[error("OAuth request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// A response that could not be read.
    #[error("unreadable OAuth response: {0}")]
    Decode(String),
    /// The task that refreshes and saves the tokens ended without an answer
    /// (it panicked, or its runtime shut down).
    #[error("the token refresh ended without an answer: {0}")]
    Interrupted(String),
}

impl OAuthError {
    /// Whether the user must go through the authorization again.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, OAuthError::InvalidGrant { .. })
    }

    /// Reads an error response of a token endpoint: RFC 6749 JSON, or the
    /// gateway's `errors[]` shape, or anything else by status.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let text = |v: Option<&serde_json::Value>| {
            v.and_then(|v| v.as_str()).unwrap_or_default().to_string()
        };
        if let Some(code) = value.get("error").and_then(|e| e.as_str()) {
            let description = text(value.get("error_description"));
            return match code {
                "invalid_grant" => OAuthError::InvalidGrant { description },
                "invalid_client" => OAuthError::InvalidClient { description },
                _ => OAuthError::Rejected {
                    status,
                    code: code.to_string(),
                    description,
                },
            };
        }
        let message = value
            .get("errors")
            .and_then(|e| e.get(0))
            .and_then(|e| e.get("message"))
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| crate::error::excerpt(body));
        OAuthError::Gateway { status, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_shapes_are_read() {
        assert!(OAuthError::from_response(
            400,
            br#"{"error":"invalid_grant","error_description":"used"}"#
        )
        .needs_reauthorization());
        assert!(matches!(
            OAuthError::from_response(401, br#"{"error":"invalid_client"}"#),
            OAuthError::InvalidClient { .. }
        ));
        assert!(matches!(
            OAuthError::from_response(400, br#"{"error":"invalid_scope","error_description":"x"}"#),
            OAuthError::Rejected { status: 400, ref code, .. } if code == "invalid_scope"
        ));
        match OAuthError::from_response(403, br#"{"errors":[{"code":0,"message":"Forbidden"}]}"#) {
            OAuthError::Gateway {
                status: 403,
                message,
            } => assert_eq!(message, "Forbidden"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            OAuthError::from_response(502, b""),
            OAuthError::Gateway { status: 502, .. }
        ));
    }
}
