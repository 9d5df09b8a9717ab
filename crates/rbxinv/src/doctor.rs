//! `rbxinv doctor`: is this machine ready to talk to Roblox? Which credentials
//! are configured and for which host, whether each works (one cheap request
//! each), the stored login's state, whether the shared budget's Redis answers,
//! and how far the local clock is from Roblox's (its rate-limit windows are
//! aligned to the clock, so a skewed clock misjudges when they reset).

use std::process::ExitCode;
use std::time::Duration;

use futures_util::TryStreamExt;
use roblox_inventory::{Client, ClientBuilder, Error, Host};

use crate::args::Cli;
use crate::hints::{self, without_user_info, Context};
use crate::login::Stored;
use crate::setup::{self, Credentials, Embedded};
use crate::Failure;

/// A user every host knows (Roblox's own account), for the cheap requests.
const PROBE_USER: u64 = 1;

/// How far the clock may be from Roblox's before it matters: `Date` has whole
/// seconds, and a window reset misjudged by a second or two costs little.
const CLOCK_TOLERANCE_SECONDS: i64 = 2;

/// The outcome of one check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
    Info,
}

struct Report {
    failed: bool,
}

impl Report {
    fn line(&mut self, verdict: Verdict, what: &str, detail: impl AsRef<str>) {
        let mark = match verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
            Verdict::Info => "    ",
        };
        self.failed |= verdict == Verdict::Fail;
        println!("{mark}  {what:<18} {}", detail.as_ref());
    }
}

/// Runs every check; exit 0 when none failed, 1 otherwise.
pub(crate) async fn run(cli: &Cli, sandbox: Option<&Embedded>) -> Result<ExitCode, Failure> {
    let mut report = Report { failed: false };
    let base = sandbox
        .map(|s| s.base_url())
        .or_else(|| cli.base_url.clone());
    let host = |h: Host| {
        base.as_deref()
            .map_or_else(|| h.default_base_url().to_string(), without_user_info)
    };
    report.line(Verdict::Info, "Open Cloud host", host(Host::Cloud));
    report.line(Verdict::Info, "legacy host", host(Host::Legacy));

    let credentials = Credentials::given(cli, sandbox)?;
    let context = Context {
        sandbox: sandbox.is_some(),
        ..Context::default()
    };
    let mut cloud_credential = false;
    if let Some(key) = &credentials.api_key {
        cloud_credential = true;
        let client = setup::builder(cli, sandbox)?.api_key(key.expose());
        check_cloud(&mut report, "API key", client, &context).await;
    }
    if let Some(token) = &credentials.oauth_token {
        cloud_credential = true;
        let client = setup::builder(cli, sandbox)?.oauth_token(token.expose());
        check_cloud(&mut report, "OAuth token", client, &context).await;
    }
    match credentials.stored {
        Stored::Source(source) => {
            cloud_credential = true;
            let tokens = source.tokens().await;
            report.line(
                Verdict::Info,
                "stored login",
                format!(
                    "access token expires {} (`rbxinv whoami` for more)",
                    tokens.expires_at.to_rfc3339()
                ),
            );
            let stored = Context {
                stored_login: true,
                ..Context::default()
            };
            let client = setup::builder(cli, sandbox)?.oauth_token_source(source);
            check_cloud(&mut report, "stored login", client, &stored).await;
        }
        Stored::ForAnotherBase(other) => report.line(
            Verdict::Warn,
            "stored login",
            format!(
                "made for {}, not this base URL: not used",
                other
                    .as_deref()
                    .map_or_else(|| "Roblox".into(), without_user_info)
            ),
        ),
        Stored::Nothing if !cloud_credential => report.line(
            Verdict::Info,
            "stored login",
            "none (`rbxinv login` makes one)",
        ),
        Stored::Nothing => {}
    }
    if !cloud_credential {
        report.line(
            Verdict::Warn,
            "Open Cloud",
            "no API key or OAuth sign-in: `items` and private servers need one",
        );
    }
    match &credentials.cookie {
        Some(_) => report.line(
            Verdict::Info,
            "cookie",
            format!(
                "configured for {}; not checked (only collection changes need it, and no harmless request tells)",
                host(Host::Legacy)
            ),
        ),
        None => report.line(
            Verdict::Info,
            "cookie",
            "none (only collection changes and your own hidden inventory need it)",
        ),
    }
    check_redis(&mut report, cli).await?;
    check_clock(&mut report, &host(Host::Legacy)).await;
    Ok(if report.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One cheap Open Cloud request with this credential alone: it works if Roblox
/// answers the listing, or says the inventory is private (it authenticated).
async fn check_cloud(report: &mut Report, what: &str, builder: ClientBuilder, context: &Context) {
    let client: Client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            return report.line(Verdict::Fail, what, hints::explain(&error, context).error)
        }
    };
    let first = client
        .inventory_items(PROBE_USER)
        .max_items(1)
        .items()
        .try_next()
        .await;
    match first {
        Ok(_) | Err(Error::InventoryPrivate { .. }) => {
            report.line(Verdict::Ok, what, "works (one Open Cloud request)")
        }
        Err(error) => {
            let explained = hints::explain(&error, context);
            let detail = match explained.hints.first() {
                Some(hint) => format!("{} ({hint})", explained.error),
                None => explained.error,
            };
            report.line(Verdict::Fail, what, detail)
        }
    }
}

/// Whether the shared budget's Redis answers PING within two seconds.
async fn check_redis(report: &mut Report, cli: &Cli) -> Result<(), Failure> {
    let Some(url) = setup::redis_url(cli)? else {
        report.line(
            Verdict::Info,
            "Redis budget",
            "none (--budget-redis shares one)",
        );
        return Ok(());
    };
    #[cfg(feature = "redis")]
    {
        let ping = async {
            let client = redis::Client::open(url.expose())?;
            let mut connection = client.get_multiplexed_async_connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        };
        match tokio::time::timeout(Duration::from_secs(2), ping).await {
            Ok(Ok(_)) => report.line(Verdict::Ok, "Redis budget", "answers PING"),
            // The URL may carry a password: only the kind of failure is shown.
            Ok(Err(error)) => report.line(
                Verdict::Fail,
                "Redis budget",
                format!("does not answer ({:?})", error.kind()),
            ),
            Err(_) => report.line(Verdict::Fail, "Redis budget", "no answer within 2 s"),
        }
    }
    #[cfg(not(feature = "redis"))]
    {
        let _ = url;
        report.line(
            Verdict::Fail,
            "Redis budget",
            "this rbxinv was built without the `redis` feature",
        );
    }
    Ok(())
}

/// The local clock against the legacy host's `Date` header (an anonymous GET).
async fn check_clock(report: &mut Report, legacy: &str) {
    let url = format!(
        "{}/v1/users/{PROBE_USER}/categories",
        legacy.trim_end_matches('/')
    );
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(http) => http,
        Err(error) => return report.line(Verdict::Fail, "clock", error.to_string()),
    };
    let sent = chrono::Utc::now();
    let response = match http.get(&url).send().await {
        Ok(response) => response,
        Err(error) => {
            let (what, _) = hints::network(&error, error.is_timeout());
            return report.line(Verdict::Fail, "clock", what);
        }
    };
    let received = chrono::Utc::now();
    let date = response
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    let Some(date) = date else {
        return report.line(
            Verdict::Warn,
            "clock",
            "the host sent no readable Date header",
        );
    };
    // The server's second lies somewhere in the request's flight.
    let local = sent + (received - sent) / 2;
    let skew = (local - date.with_timezone(&chrono::Utc)).num_seconds();
    if skew.abs() <= CLOCK_TOLERANCE_SECONDS {
        report.line(
            Verdict::Ok,
            "clock",
            format!("within {CLOCK_TOLERANCE_SECONDS} s of the host's"),
        );
    } else {
        report.line(
            Verdict::Warn,
            "clock",
            format!(
                "{} s {} the host's: rate-limit windows are clock-aligned, sync the clock (NTP)",
                skew.abs(),
                if skew > 0 { "ahead of" } else { "behind" }
            ),
        );
    }
}
