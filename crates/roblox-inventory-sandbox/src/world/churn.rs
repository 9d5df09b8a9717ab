//! The world changing over time, as Roblox's does: trades move a Limited copy
//! (same copy id and serial) to another user, purchases add copies, refunds
//! remove game passes, badges are awarded and removed, inventories turn
//! private and back. Each change applied is logged with everything a tracker
//! should report, so tests and benchmarks can check detection against the
//! truth.

use serde::{Deserialize, Serialize};

use super::builders::SplitMix64;
use super::{Owned, UserAsset, World};

/// When churned holdings say they were added (the sandbox's clock for data).
const CHURNED_AT: &str = "2026-01-01T00:00:00Z";

/// A change to make to the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "event")]
#[non_exhaustive]
pub enum Event {
    /// A copy moves from `from` to `to`, keeping its copy id and serial.
    #[serde(rename_all = "camelCase")]
    Trade {
        /// The copy.
        user_asset_id: u64,
        /// Who holds it now.
        from: u64,
        /// Who gets it.
        to: u64,
    },
    /// `user_id` buys a new copy of `asset_id` (a new copy id; the next serial
    /// for a Limited).
    #[serde(rename_all = "camelCase")]
    Purchase {
        /// The buyer.
        user_id: u64,
        /// The asset.
        asset_id: u64,
    },
    /// `user_id` is granted a game pass (bought it).
    #[serde(rename_all = "camelCase")]
    GrantGamePass {
        /// Who.
        user_id: u64,
        /// The game pass.
        game_pass_id: u64,
    },
    /// A game pass is refunded: `user_id` no longer holds it.
    #[serde(rename_all = "camelCase")]
    RefundGamePass {
        /// Who.
        user_id: u64,
        /// The game pass.
        game_pass_id: u64,
    },
    /// `user_id` is awarded a badge.
    #[serde(rename_all = "camelCase")]
    AwardBadge {
        /// Who.
        user_id: u64,
        /// The badge.
        badge_id: u64,
    },
    /// A badge is removed from `user_id`.
    #[serde(rename_all = "camelCase")]
    RemoveBadge {
        /// Who.
        user_id: u64,
        /// The badge.
        badge_id: u64,
    },
    /// `user_id`'s inventory becomes public (`true`) or private.
    #[serde(rename_all = "camelCase")]
    SetInventoryPublic {
        /// Who.
        user_id: u64,
        /// Public from now on.
        public: bool,
    },
}

/// A change the world went through, with what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Applied {
    /// Its place in the sandbox's log, from 1.
    pub sequence: u64,
    /// What was asked.
    pub event: Event,
    /// For a purchase: the new copy's id.
    pub user_asset_id: Option<u64>,
    /// For a purchase of a Limited, and a trade: the copy's serial number.
    pub serial_number: Option<u64>,
}

/// Why an event cannot happen in this world; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChurnError {
    /// No such user.
    #[error("no user {0}")]
    NoUser(u64),
    /// No such asset.
    #[error("no asset {0}")]
    NoAsset(u64),
    /// `user` does not hold what the event takes from them.
    #[error("user {user} does not hold {what}")]
    NotHeld {
        /// Who.
        user: u64,
        /// What.
        what: String,
    },
    /// `user` holds already what the event gives (passes and badges are held
    /// once).
    #[error("user {user} holds {what} already")]
    AlreadyHeld {
        /// Who.
        user: u64,
        /// What.
        what: String,
    },
}

impl World {
    /// Makes `event` happen; returns what it resolved to (without a sequence
    /// number: the sandbox's log gives one).
    pub fn apply(&mut self, event: &Event) -> Result<Applied, ChurnError> {
        let mut applied = Applied {
            sequence: 0,
            event: event.clone(),
            user_asset_id: None,
            serial_number: None,
        };
        match *event {
            Event::Trade {
                user_asset_id,
                from,
                to,
            } => {
                self.user_index(to)?;
                let giver = self.user_index(from)?;
                let at = self.users[giver]
                    .assets
                    .iter()
                    .position(|a| a.user_asset_id == user_asset_id)
                    .ok_or(ChurnError::NotHeld {
                        user: from,
                        what: format!("copy {user_asset_id}"),
                    })?;
                let copy = self.users[giver].assets.remove(at);
                applied.serial_number = copy.serial_number;
                let taker = self.user_index(to)?;
                self.users[taker].assets.push(copy);
            }
            Event::Purchase { user_id, asset_id } => {
                let buyer = self.user_index(user_id)?;
                let limited = self
                    .assets
                    .iter()
                    .find(|a| a.id == asset_id)
                    .ok_or(ChurnError::NoAsset(asset_id))?
                    .limited;
                let copies = || self.users.iter().flat_map(|u| u.assets.iter());
                let user_asset_id = copies().map(|a| a.user_asset_id).max().unwrap_or(0) + 1;
                let serial_number = limited.then(|| {
                    copies()
                        .filter(|a| a.asset_id == asset_id)
                        .filter_map(|a| a.serial_number)
                        .max()
                        .unwrap_or(0)
                        + 1
                });
                self.users[buyer].assets.push(UserAsset {
                    user_asset_id,
                    asset_id,
                    serial_number,
                    on_hold: false,
                    added: CHURNED_AT.into(),
                });
                applied.user_asset_id = Some(user_asset_id);
                applied.serial_number = serial_number;
            }
            Event::GrantGamePass {
                user_id,
                game_pass_id,
            } => {
                let user = self.user_index(user_id)?;
                give(
                    &mut self.users[user].game_passes,
                    user_id,
                    game_pass_id,
                    "game pass",
                )?;
            }
            Event::RefundGamePass {
                user_id,
                game_pass_id,
            } => {
                let user = self.user_index(user_id)?;
                take(
                    &mut self.users[user].game_passes,
                    user_id,
                    game_pass_id,
                    "game pass",
                )?;
            }
            Event::AwardBadge { user_id, badge_id } => {
                let user = self.user_index(user_id)?;
                give(&mut self.users[user].badges, user_id, badge_id, "badge")?;
            }
            Event::RemoveBadge { user_id, badge_id } => {
                let user = self.user_index(user_id)?;
                take(&mut self.users[user].badges, user_id, badge_id, "badge")?;
            }
            Event::SetInventoryPublic { user_id, public } => {
                let user = self.user_index(user_id)?;
                self.users[user].inventory_public = public;
            }
        }
        Ok(applied)
    }

    /// A random event that can happen in this world now (`None` if the world
    /// has fewer than two users), from `seed`'s stream.
    pub(crate) fn random_event(&self, rng: &mut SplitMix64) -> Option<Event> {
        if self.users.len() < 2 {
            return None;
        }
        let pick = |rng: &mut SplitMix64, n: usize| (rng.next() % n.max(1) as u64) as usize;
        for _ in 0..32 {
            let user = &self.users[pick(rng, self.users.len())];
            let other = &self.users[pick(rng, self.users.len())];
            let event = match rng.next() % 7 {
                0 if !user.assets.is_empty() && other.id != user.id => {
                    let copy = &user.assets[pick(rng, user.assets.len())];
                    Event::Trade {
                        user_asset_id: copy.user_asset_id,
                        from: user.id,
                        to: other.id,
                    }
                }
                1 if !self.assets.is_empty() => Event::Purchase {
                    user_id: user.id,
                    asset_id: self.assets[pick(rng, self.assets.len())].id,
                },
                2 if !self.game_passes.is_empty() => {
                    let pass = self.game_passes[pick(rng, self.game_passes.len())].id;
                    if user.game_passes.iter().any(|p| p.id == pass) {
                        Event::RefundGamePass {
                            user_id: user.id,
                            game_pass_id: pass,
                        }
                    } else {
                        Event::GrantGamePass {
                            user_id: user.id,
                            game_pass_id: pass,
                        }
                    }
                }
                3 if !self.badges.is_empty() => {
                    let badge = self.badges[pick(rng, self.badges.len())].id;
                    if user.badges.iter().any(|b| b.id == badge) {
                        Event::RemoveBadge {
                            user_id: user.id,
                            badge_id: badge,
                        }
                    } else {
                        Event::AwardBadge {
                            user_id: user.id,
                            badge_id: badge,
                        }
                    }
                }
                4 => Event::SetInventoryPublic {
                    user_id: user.id,
                    public: !user.inventory_public,
                },
                _ => continue,
            };
            return Some(event);
        }
        None
    }

    fn user_index(&self, user_id: u64) -> Result<usize, ChurnError> {
        self.users
            .iter()
            .position(|u| u.id == user_id)
            .ok_or(ChurnError::NoUser(user_id))
    }
}

fn give(held: &mut Vec<Owned>, user: u64, id: u64, kind: &str) -> Result<(), ChurnError> {
    if held.iter().any(|o| o.id == id) {
        return Err(ChurnError::AlreadyHeld {
            user,
            what: format!("{kind} {id}"),
        });
    }
    held.push(Owned {
        id,
        added: CHURNED_AT.into(),
    });
    Ok(())
}

fn take(held: &mut Vec<Owned>, user: u64, id: u64, kind: &str) -> Result<(), ChurnError> {
    let at = held
        .iter()
        .position(|o| o.id == id)
        .ok_or_else(|| ChurnError::NotHeld {
            user,
            what: format!("{kind} {id}"),
        })?;
    held.remove(at);
    Ok(())
}
