//! `rbxinv`: check ownership and dump Roblox inventories from a shell.
//!
//! `args` (the command line), `credentials` (secrets from flags, the
//! environment or files), `setup` (the client), `commands` (a file per
//! command), `login` (OAuth login and logout), `output` (table, JSON, CSV).

mod args;
mod commands;
mod credentials;
mod doctor;
mod hints;
mod login;
mod login_file;
mod output;
mod paths;
mod setup;
mod tracking;

use std::process::ExitCode;

use roblox_inventory::Error;

use args::{Cli, Command};
use output::{Format, Output};

/// A failure: a library error (explained in the command line's words at the
/// end, with what the run knows: see `hints`) or a message of our own.
pub(crate) struct Failure {
    message: String,
    error: Option<Error>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            message: error.to_string(),
            error: Some(error),
        }
    }
}

impl Failure {
    /// What to print for it.
    fn explained(&self, context: &hints::Context) -> hints::Explained {
        match &self.error {
            Some(error) => hints::explain(error, context),
            None => hints::Explained {
                error: self.message.clone(),
                hints: Vec::new(),
            },
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        // A reader that stopped early (`rbxinv … | head`) is not an error worth
        // a message: the run ends quietly, as other shell tools do.
        let message = if error.kind() == std::io::ErrorKind::BrokenPipe {
            String::new()
        } else {
            format!("cannot write the output: {error}")
        };
        Failure {
            message,
            error: None,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure {
            message,
            error: None,
        }
    }
}

fn main() -> ExitCode {
    // rbxinv builds reqwest clients of its own (the sandbox login's browser,
    // doctor's clock check): with the library's default TLS they need this.
    roblox_inventory::ensure_tls_provider();
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let mut cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli.keep_environment_credentials_from_the_sandbox(&matches);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let mut context = hints::Context::default();
    match runtime.block_on(run(cli, &mut context)) {
        Ok(code) => code,
        Err(failure) if failure.error.is_none() && failure.message.is_empty() => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.explained(&context));
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli, context: &mut hints::Context) -> Result<ExitCode, Failure> {
    let mut cli = cli;
    match std::mem::replace(&mut cli.command, Command::Demo) {
        Command::Login(args) => return login::run(args, &cli).await,
        Command::Logout => return login::logout(cli.base_url.clone()).await,
        Command::Whoami => return login::whoami(&cli),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "rbxinv", &mut std::io::stdout());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut std::io::stdout())?;
            return Ok(ExitCode::SUCCESS);
        }
        other => cli.command = other,
    }
    let sandbox = if cli.sandbox || matches!(cli.command, Command::Demo) {
        Some(setup::embedded(None).await?)
    } else {
        None
    };
    if matches!(cli.command, Command::Doctor) {
        let code = doctor::run(&cli, sandbox.as_ref()).await;
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await;
        }
        return code;
    }
    let (client, known) = setup::client(&cli, sandbox.as_ref())?;
    *context = known;
    let format = if matches!(cli.command, Command::Watch(_)) && !cli.csv {
        // It never ends: only formats that print rows as they come.
        Format::Jsonl
    } else if cli.json {
        Format::Json
    } else if cli.jsonl {
        Format::Jsonl
    } else if cli.csv {
        Format::Csv
    } else {
        Format::Table
    };
    let mut out = Output::new(format, cli.limit, commands::columns(&cli.command));
    let code = commands::run(&client, cli.command, &mut out).await;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    match code {
        Ok(code) => {
            out.finish()?;
            Ok(code)
        }
        // What arrived before the failure is printed, then the error line.
        Err(failure) => {
            if out.has_rows() {
                out.finish()?;
            }
            Err(failure)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardening_14_parsed_arguments_never_show_a_secret() {
        let cli = <Cli as clap::Parser>::parse_from([
            "rbxinv",
            "--api-key",
            "secret-key-1",
            "--oauth-token",
            "secret-token-2",
            "--roblosecurity",
            "secret-cookie-3",
            "categories",
            "156",
        ]);
        let printed = format!("{cli:?}");
        for secret in ["secret-key-1", "secret-token-2", "secret-cookie-3"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
