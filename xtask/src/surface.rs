//! A crate's public surface, as text that can be compared: what the
//! regeneration drill (`drill.rs`) checks stays the same when the spec changes.
//!
//! Input is rustdoc's JSON output (`cargo rustdoc -- -Z unstable-options
//! --output-format json`), which lists every public item with its full
//! signature. The surface is one line per public item (under every path it is
//! exported at), per field and variant, per impl and per impl item, each with
//! the item's signature as canonical JSON: spans, docs and rustdoc's numeric
//! ids are dropped, and every id is replaced by the path of what it names, so
//! two builds of the same API give the same text even when other crates (the
//! generated one) change. Re-exports of other crates (`pub use
//! roblox_inventory_api as api`) are one line each and are not followed: what
//! they export is theirs, not this crate's.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The public surface of the crate whose rustdoc JSON is `json`, one line per
/// item, sorted.
pub fn surface(json: &str) -> Result<String, String> {
    let doc: Value = serde_json::from_str(json).map_err(|e| format!("not rustdoc JSON: {e}"))?;
    let walker = Walker {
        index: doc
            .get("index")
            .and_then(Value::as_object)
            .ok_or("rustdoc JSON without an index")?,
        paths: doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("rustdoc JSON without paths")?,
    };
    let root = doc.get("root").ok_or("rustdoc JSON without a root")?;
    let root_item = walker.item(root).ok_or("the root is not in the index")?;
    let crate_name = root_item
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("crate")
        .to_string();
    let mut lines = BTreeSet::new();
    walker.module(&crate_name, root_item, &mut lines, &mut Vec::new());
    Ok(lines.into_iter().collect::<Vec<_>>().join("\n") + "\n")
}

/// The lines of `surface` that mention `crate_name` (a crate whose types must
/// not appear in the API except where allowed).
pub fn mentions<'a>(surface: &'a str, crate_name: &str) -> Vec<&'a str> {
    surface
        .lines()
        .filter(|line| line.contains(crate_name))
        .collect()
}

struct Walker<'a> {
    index: &'a Map<String, Value>,
    paths: &'a Map<String, Value>,
}

fn key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Walker<'_> {
    fn item(&self, id: &Value) -> Option<&Value> {
        self.index.get(&key(id))
    }

    /// What an id names: its path where rustdoc records one, else its name.
    fn name_of(&self, id: &Value) -> Value {
        if let Some(path) = self
            .paths
            .get(&key(id))
            .and_then(|p| p.get("path"))
            .and_then(Value::as_array)
        {
            let parts: Vec<&str> = path.iter().filter_map(Value::as_str).collect();
            return Value::String(parts.join("::"));
        }
        match self.item(id).and_then(|i| i.get("name")) {
            Some(Value::String(name)) => Value::String(name.clone()),
            _ => Value::String("?".into()),
        }
    }

    fn module(
        &self,
        path: &str,
        module: &Value,
        lines: &mut BTreeSet<String>,
        seen: &mut Vec<String>,
    ) {
        // A module re-exported under two names is walked under both; a cycle is not.
        let id = key(module.get("id").unwrap_or(&Value::Null));
        if seen.contains(&id) {
            return;
        }
        seen.push(id);
        let items = module
            .pointer("/inner/module/items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for id in &items {
            let Some(item) = self.item(id) else { continue };
            let name = item.get("name").and_then(Value::as_str).unwrap_or("_");
            self.exported(&format!("{path}::{name}"), item, lines, seen);
        }
        seen.pop();
    }

    /// An item exported at `path` (following re-exports of this crate's items).
    fn exported(
        &self,
        path: &str,
        item: &Value,
        lines: &mut BTreeSet<String>,
        seen: &mut Vec<String>,
    ) {
        let Some((kind, inner)) = item
            .get("inner")
            .and_then(Value::as_object)
            .and_then(|inner| inner.iter().next())
        else {
            return;
        };
        match kind.as_str() {
            "module" => {
                lines.insert(format!("mod {path}"));
                self.module(path, item, lines, seen);
            }
            "use" => {
                let target = inner.get("id").filter(|id| !id.is_null());
                let local = target
                    .and_then(|id| self.item(id))
                    .filter(|t| t.get("crate_id").and_then(Value::as_u64) == Some(0));
                let name = inner.get("name").and_then(Value::as_str).unwrap_or("_");
                let base = path.rsplit_once("::").map_or(path, |(base, _)| base);
                let glob = inner.get("is_glob").and_then(Value::as_bool) == Some(true);
                match local {
                    Some(target) if glob => self.module(base, target, lines, seen),
                    Some(target) => self.exported(&format!("{base}::{name}"), target, lines, seen),
                    None => {
                        let source = inner.get("source").and_then(Value::as_str).unwrap_or("?");
                        lines.insert(format!("use {base}::{name} = {source}"));
                    }
                }
            }
            _ => self.definition(path, kind, item, lines),
        }
    }

    fn definition(&self, path: &str, kind: &str, item: &Value, lines: &mut BTreeSet<String>) {
        let mut body = self.normalise(item);
        let inner = body
            .pointer_mut(&format!("/inner/{kind}"))
            .and_then(Value::as_object_mut);
        if let Some(inner) = inner {
            inner.remove("impls");
        }
        lines.insert(format!("{kind} {path} {body}"));
        // The impls travel with their type, one line per impl and per impl item.
        let raw_impls = item
            .pointer(&format!("/inner/{kind}/impls"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for id in raw_impls {
            let Some(imp) = self.item(&id) else { continue };
            let mut header = self.normalise(imp);
            let items = header
                .pointer_mut("/inner/impl")
                .and_then(Value::as_object_mut)
                .and_then(|i| i.remove("items"));
            lines.insert(format!("impl {path} {header}"));
            for member in items
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                lines.insert(format!("impl {path} {header} :: {member}"));
            }
        }
    }

    /// The item as canonical JSON: no spans, docs or crate numbers; ids as
    /// paths; fields, variants and impl items inlined.
    fn normalise(&self, value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    match k.as_str() {
                        "span" | "docs" | "links" | "crate_id" => {}
                        "id" => {
                            out.insert(k.clone(), self.name_of(v));
                        }
                        // Lists of ids of this crate's items: the items themselves.
                        "fields" | "variants" | "items" | "tuple" => {
                            out.insert(k.clone(), self.inline(v));
                        }
                        // A trait's impls, in no particular order: sorted.
                        "implementations" => {
                            let mut impls = match self.inline(v) {
                                Value::Array(impls) => impls,
                                other => vec![other],
                            };
                            impls.sort_by_cached_key(Value::to_string);
                            out.insert(k.clone(), Value::Array(impls));
                        }
                        _ => {
                            out.insert(k.clone(), self.normalise(v));
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(values) => {
                Value::Array(values.iter().map(|v| self.normalise(v)).collect())
            }
            other => other.clone(),
        }
    }

    fn inline(&self, value: &Value) -> Value {
        match value {
            Value::Array(ids) => Value::Array(
                ids.iter()
                    .map(|id| match self.item(id) {
                        Some(item) if !id.is_null() => self.normalise(item),
                        _ if id.is_number() || id.is_string() => self.name_of(id),
                        _ => self.normalise(id),
                    })
                    .collect(),
            ),
            other => self.normalise(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(extra_impl_id: u64) -> String {
        serde_json::json!({
            "root": 0,
            "index": {
                "0": {"id": 0, "crate_id": 0, "name": "demo", "inner": {"module": {"items": [1, 5]}}},
                "1": {"id": 1, "crate_id": 0, "name": "Thing", "span": {"begin": [extra_impl_id, 1]},
                      "docs": "changes freely",
                      "inner": {"struct": {"kind": {"plain": {"fields": [2], "has_stripped_fields": true}},
                                           "impls": [3]}}},
                "2": {"id": 2, "crate_id": 0, "name": "id", "inner": {"struct_field": {"primitive": "u64"}}},
                "3": {"id": 3, "crate_id": 0, "name": null,
                      "inner": {"impl": {"trait": null, "for": {"resolved_path": {"path": "Thing", "id": 1}},
                                         "items": [4]}}},
                "4": {"id": 4, "crate_id": 0, "name": "get", "inner": {"function": {"sig": {"output": {"primitive": "u64"}}}}},
                "5": {"id": 5, "crate_id": 0, "name": null,
                      "inner": {"use": {"source": "other_crate", "name": "api", "id": extra_impl_id, "is_glob": false}}}
            },
            "paths": {
                "1": {"crate_id": 0, "path": ["demo", "Thing"], "kind": "struct"},
                "900": {"crate_id": 3, "path": ["other_crate"], "kind": "module"},
                "901": {"crate_id": 3, "path": ["other_crate"], "kind": "module"}
            }
        })
        .to_string()
    }

    #[test]
    fn ids_spans_and_docs_do_not_change_the_surface_and_names_are_paths() {
        let a = surface(&doc(900)).unwrap();
        assert_eq!(a, surface(&doc(901)).unwrap());
        assert!(a.contains("struct demo::Thing"), "{a}");
        assert!(a.contains("\"demo::Thing\""), "ids become paths: {a}");
        assert!(a.contains("use demo::api = other_crate"), "{a}");
        assert!(
            a.contains(":: {") && a.contains("\"get\""),
            "impl items inline: {a}"
        );
        assert!(!a.contains("changes freely"));
        assert_eq!(mentions(&a, "other_crate"), ["use demo::api = other_crate"]);
    }

    #[test]
    fn a_changed_signature_changes_the_surface() {
        let before = surface(&doc(900)).unwrap();
        let after = surface(&doc(900).replace(
            "\"output\":{\"primitive\":\"u64\"}",
            "\"output\":{\"primitive\":\"i64\"}",
        ))
        .unwrap();
        assert_ne!(before, after);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(surface("not json").is_err());
        assert!(surface("{}").is_err());
        assert!(surface(r#"{"root": 7, "index": {}, "paths": {}}"#).is_err());
    }
}
