//! `rbxinv login` / `rbxinv logout`: OAuth 2.0 for a terminal user.
//!
//! `login` listens on the app's loopback redirect URI, prints the authorization
//! URL (and opens a browser where one exists), exchanges the code and stores the
//! token set in the user's config directory, owner-only. Later commands without
//! an API key or token use the stored set and keep it alive (each rotated set is
//! written back before it is used). `logout` revokes the authorization and
//! deletes the file. With `--sandbox` the embedded sandbox's authorize page is
//! followed by rbxinv itself, signed in as the sandbox user, so the flow
//! completes without a browser; its tokens go to `sandbox-login.json`, never
//! over the real login (`login.json`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use roblox_inventory::oauth::{Callback, OAuthApp, RefreshingTokenSource, Scope, TokenSet};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::args::Cli;
use crate::credentials::Secret;
use crate::Failure;

/// The redirect URI registered for rbxinv-style apps (and the sandbox's).
pub(crate) const DEFAULT_REDIRECT_URI: &str = "http://localhost:8910/callback";
/// The sandbox's public app.
pub(crate) const SANDBOX_CLIENT_ID: &str = "sandbox-public-app";

/// Options of `rbxinv login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Your OAuth app's client id (the sandbox's public app with --sandbox).
    #[arg(long, env = "ROBLOX_OAUTH_CLIENT_ID")]
    client_id: Option<String>,
    /// The app's client secret, for a confidential app (then needed by later commands too).
    #[arg(long, env = "ROBLOX_OAUTH_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<Secret>,
    /// The app's registered redirect URI; rbxinv listens on it (loopback only).
    #[arg(long, default_value = DEFAULT_REDIRECT_URI)]
    redirect_uri: String,
    /// Scopes to ask for.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "openid,user.inventory-item:read"
    )]
    scope: Vec<String>,
    /// Print the URL only; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
}

/// How long `login` waits for the authorization without `--timeout`.
const DEFAULT_WAIT: Duration = Duration::from_secs(300);

impl LoginArgs {
    /// The same options with another redirect URI (the sandbox's free port).
    pub(crate) fn with_redirect_uri(mut self, uri: String) -> Self {
        self.redirect_uri = uri;
        self
    }
}

/// What `login` stores: the app it used, where, and the tokens.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredLogin {
    pub(crate) client_id: String,
    redirect_uri: String,
    /// The OAuth host (`None`: Roblox).
    pub(crate) base_url: Option<String>,
    /// Whether the app has a secret (read from ROBLOX_OAUTH_CLIENT_SECRET, never stored).
    confidential: bool,
    /// Who signed in (the user id, from the userinfo endpoint at login; logins
    /// stored before it was kept have none).
    #[serde(default)]
    user: Option<String>,
    pub(crate) tokens: TokenSet,
}

fn login_path() -> Result<PathBuf, Failure> {
    config_file("login.json")
}

/// Where `rbxinv --sandbox login` keeps its login: never the real one's file
/// (its tokens belong to an embedded sandbox that is gone when rbxinv exits,
/// and overwriting the real login would lose its refresh token unrevoked).
fn sandbox_login_path() -> Result<PathBuf, Failure> {
    config_file("sandbox-login.json")
}

fn config_file(name: &str) -> Result<PathBuf, Failure> {
    crate::paths::config_dir()
        .map(|dir| dir.join(name))
        .ok_or_else(|| {
            "no config directory (set RBXINV_CONFIG_DIR or HOME)"
                .to_string()
                .into()
        })
}

/// Writes `login` readable by its owner only, atomically (a crash never leaves
/// half a file, which would lose the single-use refresh token).
pub(crate) fn save(path: &Path, login: &StoredLogin) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        // Directories rbxinv creates are owner-only; one that exists (perhaps
        // named by the user in RBXINV_CONFIG_DIR) keeps its permissions: the
        // file itself is owner-only either way.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    let json = serde_json::to_vec_pretty(login).map_err(std::io::Error::other)?;
    let temporary = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut file = options.open(&temporary)?;
        file.write_all(&json)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)
}

pub(crate) fn load(path: &Path) -> Result<Option<StoredLogin>, Failure> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{} is not a login rbxinv wrote: {e}", path.display()).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display()).into()),
    }
}

fn app(
    client_id: &str,
    secret: Option<&Secret>,
    redirect_uri: &str,
    base_url: Option<&str>,
) -> Result<OAuthApp, Failure> {
    let builder = match secret {
        Some(secret) => OAuthApp::confidential(client_id, secret.expose(), redirect_uri),
        None => OAuthApp::public(client_id, redirect_uri),
    };
    let builder = match base_url {
        Some(url) => builder.base_url(url),
        None => builder,
    };
    builder.build().map_err(|e| e.to_string().into())
}

/// The loopback address and path a redirect URI names, or why rbxinv cannot listen on it.
fn loopback(redirect_uri: &str) -> Result<(String, u16, String), Failure> {
    let url = url::Url::parse(redirect_uri).map_err(|e| format!("--redirect-uri: {e}"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let is_loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if url.scheme() != "http" || !is_loopback {
        return Err(format!(
            "--redirect-uri must be http on localhost or a loopback address for rbxinv to receive the \
             callback (got {redirect_uri})"
        )
        .into());
    }
    let bind = if host == "localhost" {
        "127.0.0.1".to_string()
    } else {
        host.trim_matches(['[', ']']).to_string()
    };
    Ok((bind, url.port().unwrap_or(80), url.path().to_string()))
}

/// How `login` reaches the authorize page.
pub(crate) enum Browser {
    /// A person opens the URL (rbxinv tries to open a browser unless told not to).
    Person,
    /// rbxinv follows it itself with this cookie: the sandbox's consent needs no screen.
    Sandbox(String),
}

/// `rbxinv login`, against Roblox (or --base-url), or completed by rbxinv itself
/// on the embedded sandbox.
pub(crate) async fn run(args: LoginArgs, cli: &Cli) -> Result<ExitCode, Failure> {
    if !cli.sandbox {
        return login(args, cli.base_url.clone(), Browser::Person, None, wait(cli)).await;
    }
    // A free loopback port, registered with the embedded sandbox's apps.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("cannot listen for the callback: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot listen for the callback: {e}"))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let sandbox = crate::setup::embedded(Some(&redirect_uri)).await?;
    let cookie = Secret::given(cli.roblosecurity.clone(), cli.roblosecurity_file.as_deref())?
        .map_or_else(|| "sandbox-cookie-builderman".to_string(), |c| c.expose());
    let result = login(
        args.with_redirect_uri(redirect_uri),
        Some(sandbox.base_url()),
        Browser::Sandbox(cookie),
        Some(listener),
        wait(cli),
    )
    .await;
    sandbox.shutdown().await;
    result
}

/// How long to wait for the authorization: `--timeout`, else five minutes.
fn wait(cli: &Cli) -> Duration {
    cli.timeout.unwrap_or(DEFAULT_WAIT)
}

/// `rbxinv login`: returns the exit status.
pub(crate) async fn login(
    args: LoginArgs,
    base_url: Option<String>,
    browser: Browser,
    listener: Option<tokio::net::TcpListener>,
    wait: Duration,
) -> Result<ExitCode, Failure> {
    let sandboxed = matches!(browser, Browser::Sandbox(_));
    let client_id = match (&args.client_id, &browser) {
        (Some(id), _) => id.clone(),
        (None, Browser::Sandbox(_)) => SANDBOX_CLIENT_ID.to_string(),
        (None, Browser::Person) => {
            return Err(
                "give your OAuth app's client id: --client-id or ROBLOX_OAUTH_CLIENT_ID"
                    .to_string()
                    .into(),
            )
        }
    };
    let (bind, port, path) = loopback(&args.redirect_uri)?;
    let listener = match listener {
        Some(listener) => listener,
        None => tokio::net::TcpListener::bind((bind.as_str(), port))
            .await
            .map_err(|e| format!("cannot listen on {bind}:{port} for the callback: {e}"))?,
    };
    let app = app(
        &client_id,
        args.client_secret.as_ref(),
        &args.redirect_uri,
        base_url.as_deref(),
    )?;
    let scopes: Vec<Scope> = args
        .scope
        .iter()
        .map(|s| s.parse().unwrap_or_else(|never| match never {}))
        .collect();
    let (url, pending) = app.authorize(scopes).url();
    eprintln!("Open this URL to authorize rbxinv:\n\n  {url}\n");
    match browser {
        Browser::Sandbox(cookie) => {
            let url = url.to_string();
            tokio::spawn(async move { follow_as_browser(&url, &cookie).await });
        }
        Browser::Person if !args.no_browser => open_browser(url.as_str()),
        Browser::Person => {}
    }
    let callback = tokio::time::timeout(wait, receive_callback(&listener, &path))
        .await
        .map_err(|_| {
            format!(
                "no callback within {} s (--timeout sets how long to wait)",
                wait.as_secs()
            )
        })??;
    let tokens = app
        .exchange(&pending, &callback)
        .await
        .map_err(|e| e.to_string())?;
    let user = app
        .userinfo(&tokens.access_token)
        .await
        .ok()
        .map(|info| info.subject);
    let who = user
        .as_deref()
        .map_or_else(|| "the user".to_string(), |id| format!("user {id}"));
    let path = if sandboxed {
        sandbox_login_path()?
    } else {
        login_path()?
    };
    let stored = StoredLogin {
        client_id,
        redirect_uri: args.redirect_uri,
        base_url,
        confidential: args.client_secret.is_some(),
        user,
        tokens,
    };
    save(&path, &stored).map_err(|e| format!("cannot save {}: {e}", path.display()))?;
    eprintln!("Logged in as {who}; tokens saved to {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// How long one connection to the callback listener may take to send its
/// request: browsers open spare connections they may never use.
const CALLBACK_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits for the browser's request to `path` and answers it. Connections are
/// served concurrently, each with a read timeout, so an idle one (a browser's
/// pre-connect) never holds up the callback.
async fn receive_callback(
    listener: &tokio::net::TcpListener,
    path: &str,
) -> Result<Callback, Failure> {
    let (found, mut callbacks) = tokio::sync::mpsc::channel::<String>(1);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) =
                    accepted.map_err(|e| format!("the callback listener failed: {e}"))?;
                let (path, found) = (path.to_string(), found.clone());
                connections.spawn(async move {
                    if let Ok(Some(query)) =
                        tokio::time::timeout(CALLBACK_READ_TIMEOUT, serve_one(stream, &path)).await
                    {
                        let _ = found.send(query).await;
                    }
                });
            }
            Some(query) = callbacks.recv() => {
                return Callback::parse(&query).map_err(|e| e.to_string().into());
            }
            // Reap finished connections so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Reads one request and answers it; the query string if it was the callback.
async fn serve_one(mut stream: tokio::net::TcpStream, path: &str) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or_default()
        .to_string();
    let (request_path, query) = target.split_once('?').unwrap_or((&target, ""));
    let (status, page) = if request_path == path {
        (
            "200 OK",
            "rbxinv: authorization received. You can close this window.",
        )
    } else {
        ("404 Not Found", "rbxinv: not the callback.")
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
    (request_path == path).then(|| query.to_string())
}

/// What the sandbox's "browser" does: the authorize page, signed in, then the redirect.
async fn follow_as_browser(url: &str, cookie: &str) {
    let Ok(http) = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return;
    };
    let Ok(response) = http
        .get(url)
        .header("cookie", format!(".ROBLOSECURITY={cookie}"))
        .send()
        .await
    else {
        return;
    };
    if let Some(location) = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
    {
        let _ = http.get(location).send().await;
    }
}

/// Opens `url` in a browser where one exists; failure is fine (the URL is printed).
fn open_browser(url: &str) {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let _ = std::process::Command::new(opener[0])
        .args(&opener[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// What the stored login offers a command for one base URL.
pub(crate) enum Stored {
    /// Nothing is stored.
    Nothing,
    /// A login made for another base URL (`None`: Roblox): not used, but a
    /// command that then lacks a credential says so.
    ForAnotherBase(Option<String>),
    /// A token source that refreshes the stored tokens and writes every
    /// rotated set back before using it.
    Source(RefreshingTokenSource),
}

/// The stored login for `base_url`.
pub(crate) fn stored_source(base_url: Option<&str>) -> Result<Stored, Failure> {
    let path = login_path()?;
    let Some(stored) = load(&path)? else {
        return Ok(Stored::Nothing);
    };
    if stored.base_url.as_deref() != base_url {
        return Ok(Stored::ForAnotherBase(stored.base_url));
    }
    let secret = stored_secret(&stored);
    if stored.confidential && secret.is_none() {
        return Err(
            "the stored login is for a confidential app: set ROBLOX_OAUTH_CLIENT_SECRET"
                .to_string()
                .into(),
        );
    }
    let app = app(
        &stored.client_id,
        secret.as_ref(),
        &stored.redirect_uri,
        stored.base_url.as_deref(),
    )?;
    let tokens = stored.tokens.clone();
    let store = crate::login_file::LoginFile {
        path,
        template: stored,
    };
    Ok(Stored::Source(RefreshingTokenSource::new(
        app, tokens, store,
    )))
}

/// The client secret of a stored confidential login, from the environment
/// (never stored).
fn stored_secret(stored: &StoredLogin) -> Option<Secret> {
    std::env::var("ROBLOX_OAUTH_CLIENT_SECRET")
        .ok()
        .filter(|_| stored.confidential)
        .map(|s| Secret::from(s.as_str()))
}

/// `rbxinv whoami`: the stored login, without its secrets and without a
/// request: who, which app, for which host, the scopes, and when the access
/// token expires. Exit 0 when there is one, 1 when not logged in.
pub(crate) fn whoami(cli: &Cli) -> Result<ExitCode, Failure> {
    let path = if cli.sandbox {
        sandbox_login_path()?
    } else {
        login_path()?
    };
    let Some(stored) = load(&path)? else {
        eprintln!(
            "Not logged in ({} does not exist): `rbxinv login`.",
            path.display()
        );
        return Ok(ExitCode::from(1));
    };
    let expires = stored.tokens.expires_at;
    let left = expires - chrono::Utc::now();
    let state = if left <= chrono::Duration::zero() {
        "expired (refreshed at the next command)".to_string()
    } else {
        format!("in {} min", left.num_minutes())
    };
    let scopes: Vec<String> = stored.tokens.scopes.iter().map(|s| s.to_string()).collect();
    let facts = serde_json::json!({
        "file": path.display().to_string(),
        "user": stored.user,
        "app": stored.client_id,
        "host": stored
            .base_url
            .as_deref()
            .map_or_else(|| "Roblox".to_string(), crate::hints::without_user_info),
        "scopes": scopes.join(" "),
        "accessTokenExpires": format!("{} ({state})", expires.to_rfc3339()),
        "refreshToken": if stored.tokens.refresh_token.is_some() { "kept" } else { "none" },
    });
    if cli.json || cli.jsonl {
        println!("{facts}");
    } else if let serde_json::Value::Object(facts) = facts {
        for (name, value) in facts {
            let value = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => "unknown".to_string(),
                other => other.to_string(),
            };
            println!("{name:<20} {value}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rbxinv logout`: revokes the stored authorization and deletes it.
pub(crate) async fn logout(base_url: Option<String>) -> Result<ExitCode, Failure> {
    let path = login_path()?;
    let Some(stored) = load(&path)? else {
        eprintln!("Not logged in.");
        return Ok(ExitCode::SUCCESS);
    };
    let secret = stored_secret(&stored);
    let app = app(
        &stored.client_id,
        secret.as_ref(),
        &stored.redirect_uri,
        stored.base_url.as_deref().or(base_url.as_deref()),
    )?;
    let revoked = match &stored.tokens.refresh_token {
        Some(refresh) => app.revoke(refresh).await.map_err(|e| e.to_string()),
        None => Ok(()),
    };
    std::fs::remove_file(&path).map_err(|e| format!("cannot delete {}: {e}", path.display()))?;
    match revoked {
        Ok(()) => eprintln!("Logged out: the authorization is revoked and {} deleted.", path.display()),
        Err(e) => eprintln!(
            "Logged out: {} deleted, but revoking failed ({e}); revoke the app at roblox.com if needed.",
            path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
