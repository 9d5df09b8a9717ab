//! Where rbxinv keeps things: its login (config) and its tracking store (data),
//! each under a variable of its own first, then the platform's directories.

use std::path::PathBuf;

/// The directory rbxinv keeps its login in: `RBXINV_CONFIG_DIR`, else the
/// platform's config directory + `rbxinv`.
pub(crate) fn config_dir() -> Option<PathBuf> {
    env("RBXINV_CONFIG_DIR")
        .or_else(|| env("XDG_CONFIG_HOME").map(|d| d.join("rbxinv")))
        .or_else(|| env("APPDATA").map(|d| d.join("rbxinv")))
        .or_else(|| env("HOME").map(|d| d.join(".config").join("rbxinv")))
}

/// Where rbxinv keeps data (the tracking store): `RBXINV_DATA_DIR`, else the
/// platform's data directory + `rbxinv`.
pub(crate) fn data_dir() -> Option<PathBuf> {
    env("RBXINV_DATA_DIR")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("rbxinv")))
        .or_else(|| env("LOCALAPPDATA").map(|d| d.join("rbxinv")))
        .or_else(|| env("HOME").map(|d| d.join(".local").join("share").join("rbxinv")))
}

/// A variable naming a directory, if set and not empty.
fn env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
