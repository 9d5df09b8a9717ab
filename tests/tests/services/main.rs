//! The tests that need more than cargo: a `redis-server` they start themselves
//! and the regeneration drill's nested builds. `test = false` in Cargo.toml, so
//! `cargo test --workspace` leaves them out and a machine with only cargo passes;
//! `.ci/run` installs the services and runs them by name (a missing service
//! fails there, never skips):
//!
//! ```sh
//! cargo test -p roblox-inventory-tests -p rbxinv --test services
//! ```

mod drill;
mod redis_budget;

use roblox_inventory_tests::{root, DRILL_TARGET};
