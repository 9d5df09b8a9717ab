//! `roblox-inventory-sandbox --port N [--world FILE]`: serve a world by hand or
//! for another language's client.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, Command};
use roblox_inventory_sandbox::{Sandbox, World};

fn main() -> ExitCode {
    let matches = Command::new("roblox-inventory-sandbox")
        .about("A local Roblox inventory server: all 9 inventory endpoints on one port")
        .arg(
            Arg::new("port")
                .long("port")
                .value_parser(clap::value_parser!(u16))
                .default_value("8080")
                .help("Port on 127.0.0.1 (0 picks a free one)"),
        )
        .arg(
            Arg::new("world")
                .long("world")
                .value_name("FILE")
                .help("Serve this world (JSON) instead of the default one"),
        )
        .arg(
            Arg::new("save-world")
                .long("save-world")
                .value_name("FILE")
                .help("Write the world as JSON to FILE and exit"),
        )
        .arg(
            Arg::new("generate")
                .long("generate")
                .value_name("ITEMS")
                .value_parser(clap::value_parser!(usize))
                .conflicts_with_all(["world", "users"])
                .help("Serve a generated world instead: user 1000 owning ITEMS generated assets (seed 1)"),
        )
        .arg(
            Arg::new("users")
                .long("users")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .conflicts_with("world")
                .help("Serve a generated world instead: N users from id 100000, each owning about half of a generated catalog (seed 1)"),
        )
        .arg(
            Arg::new("no-rate-limits")
                .long("no-rate-limits")
                .action(ArgAction::SetTrue)
                .help("Do not enforce Roblox's rate limits"),
        )
        .arg(
            Arg::new("minute-ms")
                .long("minute-ms")
                .value_parser(clap::value_parser!(u64))
                .help("How many milliseconds a rate-limit minute lasts (default 60000)"),
        )
        .arg(
            Arg::new("churn")
                .long("churn")
                .value_name("EVENTS")
                .value_parser(clap::value_parser!(u32).range(1..=100_000))
                .help("Change the world EVENTS times a (rate-limit) minute: trades, purchases, refunds, badges, privacy; each change is printed as a JSON line"),
        )
        .arg(
            Arg::new("churn-seed")
                .long("churn-seed")
                .value_name("SEED")
                .value_parser(clap::value_parser!(u64))
                .default_value("1")
                .help("The seed of --churn's changes (the same seed, the same changes)"),
        )
        .get_matches();

    let mut world = match matches.get_one::<String>("world") {
        Some(path) => match World::load(path) {
            Ok(world) => world,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => World::default_world(),
    };
    if let Some(items) = matches.get_one::<usize>("generate") {
        world = World::generated(1, 1_000, *items);
    }
    if let Some(users) = matches.get_one::<usize>("users") {
        world = World::populated(&roblox_inventory_sandbox::Population::new(1, *users));
    }
    if let Some(path) = matches.get_one::<String>("save-world") {
        return match world.save(path) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let mut builder = Sandbox::builder()
        .world(world)
        .port(*matches.get_one::<u16>("port").unwrap_or(&8080))
        .rate_limits(!matches.get_flag("no-rate-limits"));
    let minute = Duration::from_millis(
        matches
            .get_one::<u64>("minute-ms")
            .copied()
            .unwrap_or(60_000)
            .max(1),
    );
    builder = builder.rate_limit_minute(minute);
    let churn = matches.get_one::<u32>("churn").map(|events| {
        (
            minute / *events,
            *matches.get_one::<u64>("churn-seed").unwrap_or(&1),
        )
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let sandbox = match builder.start().await {
            Ok(sandbox) => sandbox,
            Err(e) => {
                eprintln!("error: cannot start the sandbox: {e}");
                return ExitCode::from(2);
            }
        };
        // A closed stdout (a parent that read the first line and left) is not an error.
        let url = sandbox.base_url();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "roblox-inventory-sandbox serving on {url}");
        let _ = writeln!(out, "  try: curl {url}/v1/users/156/items/GamePass/1111/is-owned");
        let _ = writeln!(
            out,
            "  Open Cloud: curl -H 'x-api-key: sandbox-key-builderman' {url}/cloud/v2/users/156/inventory-items"
        );
        let _ = out.flush();
        drop(out);
        if let Some((every, seed)) = churn {
            // One change per tick, each printed as a JSON line as it happens.
            let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = ticks.tick() => {
                        for applied in sandbox.churn(seed, 1) {
                            if let Ok(line) = serde_json::to_string(&applied) {
                                let mut out = std::io::stdout().lock();
                                let _ = writeln!(out, "{line}");
                                let _ = out.flush();
                            }
                        }
                    }
                    _ = tokio::signal::ctrl_c() => break,
                }
            }
        } else {
            let _ = tokio::signal::ctrl_c().await;
        }
        sandbox.shutdown().await;
        ExitCode::SUCCESS
    })
}
