//! From one snapshot to the next: what changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scope::Scope;
use crate::snapshot::{Holding, HoldingId, Snapshot, View};

/// What is known of one user's scope after the observations so far.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracked {
    /// The holdings last seen (`None` until the inventory was first visible).
    pub holdings: Option<BTreeMap<HoldingId, Holding>>,
    /// Whether the last observation found the inventory private.
    pub private: bool,
    /// When the last observation began (`None`: never observed).
    pub observed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One change between two observations of a user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Change {
    /// Whose.
    pub user_id: u64,
    /// In which scope.
    pub scope: Scope,
    /// What happened.
    pub kind: ChangeKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "holding")]
#[non_exhaustive]
pub enum ChangeKind {
    /// Held now, not before.
    Gained(Holding),
    /// Held before, not now.
    Lost(Holding),
    /// The inventory turned private: what it holds is unknown from now on
    /// (nothing is reported lost).
    BecamePrivate,
    /// The inventory is visible again; any holding gained or lost while it was
    /// private follows as its own change.
    BecameVisible,
}

impl Tracked {
    /// What is known after `snapshot`, and the changes since `previous` (what
    /// was known before it; `None` for a user seen for the first time).
    ///
    /// The first visible observation is a baseline: no "gained". A private
    /// inventory reports [`ChangeKind::BecamePrivate`] once and keeps the last
    /// holdings seen; when it is visible again, [`ChangeKind::BecameVisible`]
    /// and then the difference from those holdings. Changes come in a stable
    /// order: visibility first, then losses, then gains, each by holding id.
    pub fn observe(previous: Option<&Tracked>, snapshot: &Snapshot) -> (Tracked, Vec<Change>) {
        let change = |kind| Change {
            user_id: snapshot.user_id,
            scope: snapshot.scope.clone(),
            kind,
        };
        let before = previous.cloned().unwrap_or_default();
        let mut changes = Vec::new();
        match &snapshot.view {
            View::Private => {
                if previous.is_some() && !before.private {
                    changes.push(change(ChangeKind::BecamePrivate));
                }
                let now = Tracked {
                    holdings: before.holdings,
                    private: true,
                    observed_at: Some(snapshot.observed_at),
                };
                (now, changes)
            }
            View::Holdings(list) => {
                let now: BTreeMap<HoldingId, Holding> =
                    list.iter().map(|h| (h.id, h.clone())).collect();
                if before.private {
                    changes.push(change(ChangeKind::BecameVisible));
                }
                if let Some(then) = &before.holdings {
                    changes.extend(
                        then.iter()
                            .filter(|(id, _)| !now.contains_key(id))
                            .map(|(_, held)| change(ChangeKind::Lost(held.clone()))),
                    );
                    changes.extend(
                        now.iter()
                            .filter(|(id, _)| !then.contains_key(id))
                            .map(|(_, held)| change(ChangeKind::Gained(held.clone()))),
                    );
                }
                let now = Tracked {
                    holdings: Some(now),
                    private: false,
                    observed_at: Some(snapshot.observed_at),
                };
                (now, changes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seen(ids: &[u64]) -> Snapshot {
        Snapshot {
            user_id: 7,
            scope: Scope::Collectibles,
            observed_at: chrono::DateTime::UNIX_EPOCH,
            view: View::Holdings(
                ids.iter()
                    .map(|id| {
                        Holding::new(HoldingId::Copy {
                            asset_id: 1,
                            user_asset_id: *id,
                        })
                    })
                    .collect(),
            ),
        }
    }

    fn private() -> Snapshot {
        Snapshot {
            view: View::Private,
            ..seen(&[])
        }
    }

    fn kinds(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match &c.kind {
                ChangeKind::Gained(h) => format!("+{:?}", h.id),
                ChangeKind::Lost(h) => format!("-{:?}", h.id),
                ChangeKind::BecamePrivate => "private".into(),
                ChangeKind::BecameVisible => "visible".into(),
            })
            .collect()
    }

    #[test]
    fn the_first_look_is_a_baseline_and_privacy_never_loses_anything() {
        let (known, changes) = Tracked::observe(None, &seen(&[1, 2, 3]));
        assert!(changes.is_empty());
        let (known, changes) = Tracked::observe(Some(&known), &private());
        assert_eq!(kinds(&changes), ["private"], "not three losses");
        let (known, changes) = Tracked::observe(Some(&known), &private());
        assert!(changes.is_empty(), "reported once");
        // Visible again: what changed meanwhile, against the last holdings seen.
        let (_, changes) = Tracked::observe(Some(&known), &seen(&[2, 3, 4]));
        assert_eq!(
            kinds(&changes),
            [
                "visible",
                "-Copy { asset_id: 1, user_asset_id: 1 }",
                "+Copy { asset_id: 1, user_asset_id: 4 }"
            ]
        );
        // Private at first sight, then visible: still a baseline.
        let (known, changes) = Tracked::observe(None, &private());
        assert!(changes.is_empty());
        let (_, changes) = Tracked::observe(Some(&known), &seen(&[9]));
        assert_eq!(kinds(&changes), ["visible"], "no flood of gained");
    }

    proptest! {
        /// Over any sequence of observations, applying the reported changes to
        /// the first visible holdings gives the last visible holdings, and no
        /// holding is reported gained (or lost) twice in a row.
        #[test]
        fn changes_replay_to_the_holdings_seen(
            looks in proptest::collection::vec(
                proptest::option::weighted(0.85, proptest::collection::btree_set(0u64..12, 0..8)),
                1..12,
            )
        ) {
            let mut known: Option<Tracked> = None;
            let mut replayed: Option<std::collections::BTreeSet<u64>> = None;
            let mut last_visible: Option<std::collections::BTreeSet<u64>> = None;
            for look in &looks {
                let snapshot = match look {
                    Some(ids) => seen(&ids.iter().copied().collect::<Vec<_>>()),
                    None => private(),
                };
                let (now, changes) = Tracked::observe(known.as_ref(), &snapshot);
                if replayed.is_none() {
                    if let Some(ids) = look {
                        replayed = Some(ids.clone());
                    }
                } else if let Some(set) = replayed.as_mut() {
                    for change in &changes {
                        let id = |h: &Holding| match h.id {
                            HoldingId::Copy { user_asset_id, .. } => user_asset_id,
                            _ => unreachable!(),
                        };
                        match &change.kind {
                            ChangeKind::Gained(h) => prop_assert!(set.insert(id(h)), "gained twice"),
                            ChangeKind::Lost(h) => prop_assert!(set.remove(&id(h)), "lost what was not held"),
                            _ => {}
                        }
                    }
                }
                if let Some(ids) = look {
                    last_visible = Some(ids.clone());
                }
                known = Some(now);
            }
            prop_assert_eq!(replayed, last_visible);
        }
    }
}
