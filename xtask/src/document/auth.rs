//! The `## Authentication` list and each endpoint's `**Auth:**` line.

use super::*;

impl Parser<'_> {
    /// Maps an `**Auth:**` line to scheme ids (`API Key … or OAuth 2.0 …`).
    pub(super) fn auth_ids_from(&mut self, rest: &[Inline], line: usize) -> Option<Vec<String>> {
        let text = to_plain(rest);
        // An empty `**Auth:**` line is how the pages write "no credential".
        if text.trim().is_empty() {
            return Some(Vec::new());
        }
        let mut ids = Vec::new();
        for part in text.split(" or ") {
            match scheme_id(part) {
                Some(id) => ids.push(id.to_string()),
                None => {
                    self.diags.error(
                        line,
                        format!(
                            "`{}` is not an authentication method (API Key, OAuth 2.0 or Cookie)",
                            part.trim()
                        ),
                    );
                    return None;
                }
            }
        }
        for id in &ids {
            if !self.auth.iter().any(|s| &s.id == id) {
                self.diags.error(line, format!("**Auth:** names `{id}`, which the Authentication section does not describe"));
            }
        }
        Some(ids)
    }

    pub(super) fn auth_item(&mut self, content: &[Inline], line: usize) {
        let Some((label, rest)) = split_label(content) else {
            self.diags.error(
                line,
                "an authentication item must start with the method in bold, e.g. **API Key**:",
            );
            return;
        };
        let Some(id) = scheme_id(&label) else {
            self.diags.error(
                line,
                format!("`{label}` is not an authentication method (API Key, OAuth 2.0 or Cookie)"),
            );
            return;
        };
        let codes = code_spans(&rest);
        let kind = match id {
            "api-key" => match codes.first() {
                Some(header) => AuthKind::ApiKey {
                    header: header.clone(),
                },
                None => {
                    self.diags
                        .error(line, "the API Key item needs the header name in backticks");
                    return;
                }
            },
            "cookie" => match codes.first() {
                Some(name) => AuthKind::Cookie { name: name.clone() },
                None => {
                    self.diags
                        .error(line, "the Cookie item needs the cookie name in backticks");
                    return;
                }
            },
            _ => {
                let authorization_url = url_after(&rest, "authorization url");
                let token_url = url_after(&rest, "token url");
                match (authorization_url, token_url) {
                    (Some(authorization_url), Some(token_url)) => AuthKind::OAuth2 {
                        authorization_url,
                        token_url,
                    },
                    _ => {
                        self.diags.error(
                            line,
                            "the OAuth 2.0 item needs `Authorization URL: `…`` and `Token URL: `…``",
                        );
                        return;
                    }
                }
            }
        };
        // `**Cookie** *(not recommended)*: …` leaves the colon after the aside.
        let mut description = to_markdown(&rest).trim().to_string();
        if let Some(Inline::Emph(_)) = rest.first() {
            if let Some(at) = description.find("*:") {
                description.replace_range(at..at + 2, "*");
            }
        }
        self.auth.push(AuthScheme {
            id: id.to_string(),
            kind,
            description,
            line,
        });
    }

    pub(super) fn check_auth(&mut self, front: &FrontMatter) {
        for id in &front.auth {
            if scheme_id_known(id) && !self.auth.iter().any(|s| &s.id == id) {
                self.diags.error(2, format!("front matter lists auth `{id}` but the Authentication section does not describe it"));
            } else if !scheme_id_known(id) {
                self.diags.error(
                    2,
                    format!(
                        "front matter auth `{id}` is unknown (expected api-key, oauth2 or cookie)"
                    ),
                );
            }
        }
        let scheme_lines: Vec<(String, usize)> =
            self.auth.iter().map(|s| (s.id.clone(), s.line)).collect();
        for (id, line) in scheme_lines {
            if !front.auth.contains(&id) {
                self.diags.error(
                    line,
                    format!("`{id}` is described but not listed in the front matter's `auth`"),
                );
            }
        }
    }
}

pub(super) fn scheme_id(text: &str) -> Option<&'static str> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("api key") || lower.starts_with("api-key") {
        Some("api-key")
    } else if lower.starts_with("oauth") {
        Some("oauth2")
    } else if lower.starts_with("cookie") {
        Some("cookie")
    } else {
        None
    }
}

pub(super) fn scheme_id_known(id: &str) -> bool {
    matches!(id, "api-key" | "oauth2" | "cookie")
}
