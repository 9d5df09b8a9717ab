//! The stored login as a [`TokenStore`] shared by every rbxinv process of a
//! user (`xargs -P4 rbxinv owns …`, a cron job beside a shell): a refresh
//! happens under an advisory lock on `login.json.lock`, after re-reading
//! `login.json`, so two processes never spend the same single-use refresh
//! token; the second adopts the set the first saved.

use std::path::PathBuf;

use roblox_inventory::auth::TokenError;
use roblox_inventory::oauth::{LoadFuture, LockFuture, StoreFuture, TokenSet, TokenStore};

use crate::login::{load, save, StoredLogin};

/// `login.json` with the app it belongs to.
pub(crate) struct LoginFile {
    pub(crate) path: PathBuf,
    /// The stored login as read: its app and host; the tokens change.
    pub(crate) template: StoredLogin,
}

impl LoginFile {
    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("json.lock")
    }
}

impl TokenStore for LoginFile {
    fn save(&self, tokens: &TokenSet) -> StoreFuture<'_> {
        let mut login = self.template.clone();
        login.tokens = tokens.clone();
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                save(&path, &login).map_err(|e| format!("cannot save {}: {e}", path.display()))
            })
            .await
            .map_err(|e| TokenError::from(e.to_string()))?
            .map_err(TokenError::from)
        })
    }

    fn lock(&self) -> LockFuture<'_> {
        let path = self.lock_path();
        Box::pin(async move {
            // Blocks until the other process's refresh is saved: off the runtime.
            let file = tokio::task::spawn_blocking(move || {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)?;
                file.lock()?;
                Ok::<_, std::io::Error>(file)
            })
            .await
            .map_err(|e| TokenError::from(e.to_string()))?
            .map_err(|e| TokenError::from(format!("cannot lock the stored login: {e}")))?;
            // Closing the file releases the lock.
            Ok(Box::new(file) as Box<dyn Send>)
        })
    }

    fn load(&self) -> LoadFuture<'_> {
        let path = self.path.clone();
        let (client_id, base_url) = (
            self.template.client_id.clone(),
            self.template.base_url.clone(),
        );
        Box::pin(async move {
            let stored = tokio::task::spawn_blocking(move || load(&path))
                .await
                .map_err(|e| TokenError::from(e.to_string()))?
                .map_err(|e| TokenError::from(e.message))?;
            // Another login (another app or host) written meanwhile is not ours to use.
            Ok(stored
                .filter(|s| s.client_id == client_id && s.base_url == base_url)
                .map(|s| s.tokens))
        })
    }
}
