//! What went wrong, in the command line's words, and what to do about it.
//!
//! The library's errors speak to programmers (`ClientBuilder::api_key`); here
//! every error kind becomes an `error:` line a person at a shell understands
//! and, where there is something to do, a `hint:` line naming the flags,
//! variables and commands that do it.

use std::error::Error as _;

use roblox_inventory::api::operations::Placement;
use roblox_inventory::oauth::OAuthError;
use roblox_inventory::Error;

/// What the command was run with, for the hints.
#[derive(Debug, Default)]
pub(crate) struct Context {
    /// It ran on the embedded sandbox.
    pub(crate) sandbox: bool,
    /// Open Cloud requests used the stored login (`rbxinv login`).
    pub(crate) stored_login: bool,
    /// A stored login exists, but for another base URL (`None`: Roblox).
    pub(crate) stored_login_elsewhere: Option<Option<String>>,
}

/// What to print: the `error:` line and any `hint:` lines.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Explained {
    pub(crate) error: String,
    pub(crate) hints: Vec<String>,
}

impl std::fmt::Display for Explained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}", self.error)?;
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// `error` in the command line's words.
pub(crate) fn explain(error: &Error, context: &Context) -> Explained {
    let (error, hints) = match error {
        Error::MissingCredential { operation, .. } => {
            let ways: Vec<&str> = operation
                .schemes()
                .iter()
                .map(|scheme| match scheme.placement() {
                    Placement::Header(_) => "an Open Cloud API key",
                    Placement::Bearer => "an OAuth sign-in",
                    Placement::Cookie(_) => "a .ROBLOSECURITY cookie",
                    _ => "a credential",
                })
                .collect();
            let mut hints: Vec<String> = operation
                .schemes()
                .iter()
                .map(|scheme| {
                    match scheme.placement() {
                        Placement::Header(_) => {
                            "API key: --api-key-file FILE, --api-key KEY or ROBLOX_API_KEY"
                        }
                        Placement::Bearer => {
                            "OAuth: run `rbxinv login` once (later commands use it), or \
                             --oauth-token-file FILE, --oauth-token TOKEN or ROBLOX_OAUTH_TOKEN"
                        }
                        Placement::Cookie(_) => {
                            "cookie: --roblosecurity-file FILE, --roblosecurity VALUE or ROBLOSECURITY"
                        }
                        _ => "see `rbxinv --help` for the credentials it takes",
                    }
                    .to_string()
                })
                .collect();
            match &context.stored_login_elsewhere {
                Some(Some(base)) => hints.push(format!(
                    "the stored login (`rbxinv whoami`) is for {base}, not this base URL: \
                     use --base-url {base}, or `rbxinv login` again with this one",
                    base = without_user_info(base)
                )),
                Some(None) => hints.push(
                    "the stored login (`rbxinv whoami`) is for Roblox, not this base URL: \
                     drop --base-url, or `rbxinv login` again with this one"
                        .into(),
                ),
                None => {}
            }
            hints.push("try it without an account: add --sandbox".into());
            (
                format!(
                    "this needs {} and none was given",
                    or_list(&ways).unwrap_or_else(|| "a credential".into())
                ),
                hints,
            )
        }
        Error::TokenSource(source) => match oauth_error(source.as_ref()) {
            Some(oauth) if oauth.needs_reauthorization() => (
                "the stored login has expired or was revoked".to_string(),
                vec!["run `rbxinv login` again".into()],
            ),
            _ => (
                format!("the OAuth sign-in could not give a token: {source}"),
                vec![
                    "`rbxinv whoami` shows the stored login; `rbxinv login` makes a new one".into(),
                ],
            ),
        },
        Error::Unauthorized(api) if context.stored_login => (
            format!("Roblox refused the stored login ({api})"),
            vec!["run `rbxinv login` again".into()],
        ),
        Error::Unauthorized(api) => (
            format!("Roblox refused the credential ({api})"),
            vec![
                "check that the API key or cookie is current (not expired, revoked or regenerated)"
                    .into(),
            ],
        ),
        Error::CredentialRefused { needs, .. } => (
            "Roblox refused the credential for this request".to_string(),
            vec![format!(
                "it needs {needs}; an API key may also be limited to other IP addresses \
                 (its allow-list); an OAuth sign-in may lack the scope: `rbxinv login` again"
            )],
        ),
        Error::InventoryPrivate {
            user_id, unlock, ..
        } => (
            format!("user {user_id}'s inventory is private to this credential"),
            vec![
                format!("it needs {unlock}"),
                "`rbxinv owns` still answers for game passes, badges, assets and bundles \
                 (is-owned sees private inventories)"
                    .into(),
            ],
        ),
        Error::RateLimited { retry_after, .. } => (
            "Roblox's rate limit is used up for now (429, after retries)".to_string(),
            vec![
                match retry_after {
                    Some(wait) => format!("try again in {} s", wait.as_secs().max(1)),
                    None => "try again in a minute".into(),
                },
                "processes sharing a key or an address share one budget with --budget-redis"
                    .into(),
            ],
        ),
        Error::NoSlotBeforeDeadline { ready_in, .. } => (
            "the rate-limit window has no room before the deadline; nothing was sent".to_string(),
            vec![format!(
                "the next slot is expected in {} s: wait, or raise --timeout",
                ready_in.as_secs().max(1)
            )],
        ),
        Error::DeadlineExceeded { after, .. } => (
            format!("the call did not finish in {} s", after.as_secs()),
            vec!["raise --timeout, or try again later".into()],
        ),
        Error::Challenge { challenge_type, .. } => (
            format!(
                "Roblox wants this account to pass a {} challenge first",
                challenge_type.as_deref().unwrap_or("verification")
            ),
            vec![
                "sign in at roblox.com in a browser with the same account, then retry; \
                 Open Cloud (an API key or `rbxinv login`) has no challenges"
                    .into(),
            ],
        ),
        Error::Csrf(_) => (
            "Roblox refused the collection change (its X-CSRF-TOKEN exchange failed)".to_string(),
            vec!["the cookie is probably expired: sign in at roblox.com and give the new .ROBLOSECURITY".into()],
        ),
        Error::Transport(cause) => network(cause, false),
        Error::Timeout(cause) => network(cause, true),
        Error::BudgetUnavailable { reason, .. } => (
            format!("the shared request budget cannot be reached ({reason}); nothing was sent"),
            vec!["check that Redis runs and the --budget-redis URL".into()],
        ),
        Error::Decode { status, .. } => (
            format!("Roblox's answer (HTTP {status}) is not what its documentation describes"),
            vec!["if it happens again, report it with this line".into()],
        ),
        Error::Api(api) if api.status == 404 => (
            format!("not found ({api})"),
            vec!["check the user and item ids".into()],
        ),
        Error::InvalidArgument { .. } => (error.to_string(), vec!["see `rbxinv help`".into()]),
        other => (other.to_string(), Vec::new()),
    };
    let mut explained = Explained { error, hints };
    if context.sandbox {
        explained.hints.retain(|hint| !hint.contains("--sandbox"));
    }
    explained
}

/// The OAuth error somewhere in `error`'s chain.
fn oauth_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a OAuthError> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(oauth) = error.downcast_ref::<OAuthError>() {
            return Some(oauth);
        }
        current = error.source();
    }
    None
}

/// A request that got no answer: which host, and why, as far as the chain of
/// causes tells (refused, unresolvable, TLS, reset, timed out).
pub(crate) fn network(cause: &reqwest::Error, timed_out: bool) -> (String, Vec<String>) {
    // The host only: a base URL's user info or query never reaches a message.
    let host = cause
        .url()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_else(|| "the server".into());
    let mut why = None;
    let mut current: Option<&(dyn std::error::Error + 'static)> = cause.source();
    while let Some(error) = current {
        let text = error.to_string().to_lowercase();
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            why = why.or(match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Some("the connection was refused"),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                    Some("the connection was reset")
                }
                std::io::ErrorKind::TimedOut => Some("connecting timed out"),
                _ => None,
            });
        }
        if text.contains("dns") || text.contains("lookup address") || text.contains("resolve") {
            why = why.or(Some("its name could not be resolved (DNS)"));
        }
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            why = why.or(Some(
                "the TLS handshake failed (a proxy or a wrong certificate?)",
            ));
        }
        current = error.source();
    }
    let why = match (why, timed_out) {
        (Some(why), _) => why,
        (None, true) => "it did not answer in time",
        (None, false) if cause.is_connect() => "the connection could not be made",
        (None, false) => "the connection failed",
    };
    (
        format!("cannot reach {host}: {why}"),
        vec![if timed_out {
            "check the network, or raise --timeout".into()
        } else {
            "check the network, a proxy or firewall, and --base-url if you gave one".into()
        }],
    )
}

/// `url` without user info (`https://user:token@proxy` → `https://proxy`).
pub(crate) fn without_user_info(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> Option<String> {
    match items {
        [] => None,
        [one] => Some(one.to_string()),
        [rest @ .., last] => Some(format!("{} or {last}", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_base_url_is_shown_without_its_user_info() {
        assert_eq!(
            without_user_info("https://user:secret-token@proxy.example/x"),
            "https://proxy.example/x"
        );
        assert_eq!(
            without_user_info("http://127.0.0.1:1"),
            "http://127.0.0.1:1"
        );
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(or_list(&[]), None);
        assert_eq!(or_list(&["a"]).unwrap(), "a");
        assert_eq!(or_list(&["a", "b", "c"]).unwrap(), "a, b or c");
    }

    #[test]
    fn a_missing_credential_names_every_way_to_give_one() {
        let error = Error::MissingCredential {
            operation: roblox_inventory::Operation::CloudListInventoryItems,
            needs: "",
        };
        let elsewhere = Context {
            stored_login_elsewhere: Some(None),
            ..Context::default()
        };
        let text = explain(&error, &elsewhere).to_string();
        for expected in [
            "error: this needs an Open Cloud API key or an OAuth sign-in and none was given",
            "--api-key-file",
            "ROBLOX_API_KEY",
            "rbxinv login",
            "ROBLOX_OAUTH_TOKEN",
            "is for Roblox, not this base URL",
            "--sandbox",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(!text.contains("ClientBuilder"), "{text}");
    }
}
