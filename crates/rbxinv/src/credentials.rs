//! Credentials from flags, the environment or files, printed as `[REDACTED]`.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

use crate::Failure;

/// A credential from a flag, the environment or a file: printed as `[REDACTED]`.
#[derive(Clone)]
pub(crate) struct Secret(SecretString);

impl Secret {
    pub(crate) fn expose(&self) -> String {
        self.0.expose_secret().to_string()
    }

    /// The value given directly, or read from `file` (never echoed in errors).
    pub(crate) fn given(
        value: Option<Secret>,
        file: Option<&Path>,
    ) -> Result<Option<Secret>, Failure> {
        match (value, file) {
            (Some(value), _) => Ok(Some(value)),
            (None, Some(path)) => std::fs::read_to_string(path)
                // A file's trailing newline is not part of the secret.
                .map(|text| Some(Secret::from(text.trim())))
                .map_err(|e| format!("cannot read {}: {e}", path.display()).into()),
            (None, None) => Ok(None),
        }
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(SecretString::from(value.to_string()))
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret::from(value))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}
