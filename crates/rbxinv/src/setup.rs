//! Putting the client together: the embedded sandbox, credentials and the
//! shared request budget.

use roblox_inventory::Client;

use crate::args::Cli;
use crate::credentials::Secret;
use crate::hints::Context;
use crate::login::{self, Stored};
use crate::Failure;

/// The embedded sandbox (feature `sandbox`).
#[cfg(feature = "sandbox")]
pub(crate) type Embedded = roblox_inventory_sandbox::Sandbox;

/// Built without the `sandbox` feature: there is never an embedded sandbox.
#[cfg(not(feature = "sandbox"))]
pub(crate) enum Embedded {}

#[cfg(not(feature = "sandbox"))]
impl Embedded {
    pub(crate) fn base_url(&self) -> String {
        match *self {}
    }

    pub(crate) async fn shutdown(self) {
        match self {}
    }
}

/// Starts the embedded sandbox with its default world, rate limits off; its
/// OAuth apps also accept `redirect_uri` when given (`login --sandbox`).
pub(crate) async fn embedded(redirect_uri: Option<&str>) -> Result<Embedded, Failure> {
    #[cfg(feature = "sandbox")]
    {
        let mut world = roblox_inventory_sandbox::World::default_world();
        if let Some(uri) = redirect_uri {
            for app in &mut world.oauth_apps {
                app.redirect_uris.push(uri.to_string());
            }
        }
        roblox_inventory_sandbox::Sandbox::builder()
            .world(world)
            .rate_limits(false)
            .start()
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}").into())
    }
    #[cfg(not(feature = "sandbox"))]
    {
        let _ = redirect_uri;
        Err("this rbxinv was built without the `sandbox` feature: --sandbox and demo are not available"
            .to_string()
            .into())
    }
}

/// The shared budget of `--budget-redis` (feature `redis`).
#[cfg(feature = "redis")]
pub(crate) fn redis_budget(
    url: &str,
    budget_id: Option<&str>,
) -> Result<roblox_inventory::budget::RedisBudget, Failure> {
    let builder = roblox_inventory::budget::RedisBudget::builder(url);
    let builder = match budget_id {
        Some(id) => builder.budget_id(id),
        None => builder,
    };
    builder.build().map_err(Failure::from)
}

#[cfg(not(feature = "redis"))]
pub(crate) fn redis_budget(
    _: &str,
    _: Option<&str>,
) -> Result<roblox_inventory::budget::Unlimited, Failure> {
    Err(
        "this rbxinv was built without the `redis` feature: --budget-redis is not available"
            .to_string()
            .into(),
    )
}

/// The credentials the options give: flags, the environment, files, the
/// sandbox's own (with --sandbox) and the stored login (when neither an API
/// key nor an OAuth token is given).
pub(crate) struct Credentials {
    pub(crate) api_key: Option<Secret>,
    pub(crate) oauth_token: Option<Secret>,
    pub(crate) cookie: Option<Secret>,
    pub(crate) stored: Stored,
}

impl Credentials {
    pub(crate) fn given(cli: &Cli, sandbox: Option<&Embedded>) -> Result<Self, Failure> {
        let mut api_key = Secret::given(cli.api_key.clone(), cli.api_key_file.as_deref())?;
        let oauth_token = Secret::given(cli.oauth_token.clone(), cli.oauth_token_file.as_deref())?;
        let mut cookie =
            Secret::given(cli.roblosecurity.clone(), cli.roblosecurity_file.as_deref())?;
        if sandbox.is_some() {
            if api_key.is_none() && oauth_token.is_none() {
                api_key = Some(Secret::from("sandbox-key-builderman"));
            }
            cookie = cookie.or_else(|| Some(Secret::from("sandbox-cookie-builderman")));
        }
        let stored = if sandbox.is_none() && api_key.is_none() && oauth_token.is_none() {
            login::stored_source(cli.base_url.as_deref())?
        } else {
            Stored::Nothing
        };
        Ok(Credentials {
            api_key,
            oauth_token,
            cookie,
            stored,
        })
    }
}

/// A client builder with everything but credentials: the base URL (the
/// sandbox's, --base-url or Roblox), the shared budget and the timeout.
pub(crate) fn builder(
    cli: &Cli,
    sandbox: Option<&Embedded>,
) -> Result<roblox_inventory::ClientBuilder, Failure> {
    let mut builder = Client::builder();
    if let Some(sandbox) = sandbox {
        builder = builder.base_url(sandbox.base_url()).without_budget();
    } else if let Some(url) = &cli.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(url) = redis_url(cli)? {
        builder = builder.request_budget(redis_budget(&url.expose(), cli.budget_id.as_deref())?);
    }
    if let Some(timeout) = cli.timeout {
        builder = builder.operation_timeout(timeout);
    }
    Ok(builder)
}

/// The --budget-redis URL, given directly or in a file.
pub(crate) fn redis_url(cli: &Cli) -> Result<Option<Secret>, Failure> {
    Secret::given(cli.budget_redis.clone(), cli.budget_redis_file.as_deref())
}

/// The client the options ask for: the embedded sandbox's (with its builderman
/// key and cookie unless others are given) or Roblox's (or --base-url), the
/// credentials from flags, the environment, files or the stored login, and a
/// shared budget with --budget-redis.
pub(crate) fn client(cli: &Cli, sandbox: Option<&Embedded>) -> Result<(Client, Context), Failure> {
    let mut context = Context {
        sandbox: sandbox.is_some(),
        ..Context::default()
    };
    let credentials = Credentials::given(cli, sandbox)?;
    let mut builder = builder(cli, sandbox)?;
    if let Some(key) = credentials.api_key {
        builder = builder.api_key(key.expose());
    }
    if let Some(token) = credentials.oauth_token {
        builder = builder.oauth_token(token.expose());
    }
    match credentials.stored {
        Stored::Source(source) => {
            builder = builder.oauth_token_source(source);
            context.stored_login = true;
        }
        Stored::ForAnotherBase(base) => context.stored_login_elsewhere = Some(base),
        Stored::Nothing => {}
    }
    if let Some(cookie) = credentials.cookie {
        builder = builder.roblosecurity(cookie.expose());
    }
    Ok((builder.build()?, context))
}
