//! One endpoint's `###` section: its heading, prose, labelled fields and
//! responses, and the small grammars inside them (error codes, rate limits,
//! error-handling advice, path templates).

use super::*;

impl Parser<'_> {
    pub(super) fn endpoint_heading(&mut self, content: &[Inline], line: usize) {
        let Some(code_at) = content.iter().position(|i| matches!(i, Inline::Code(_))) else {
            self.diags.error(line, "an endpoint heading must read ``METHOD `/path` ``; no code span with the path found");
            return;
        };
        let method = to_plain(&content[..code_at]).trim().to_ascii_uppercase();
        let Inline::Code(path) = &content[code_at] else {
            return;
        };
        const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
        if !METHODS.contains(&method.as_str()) {
            self.diags.error(
                line,
                format!(
                    "`{method}` is not an HTTP method (expected one of {})",
                    METHODS.join(", ")
                ),
            );
            return;
        }
        if let Err(message) = check_path_template(path) {
            self.diags.error(line, message);
            return;
        }
        let mut rest = to_plain(&content[code_at + 1..]);
        let mut stability = None;
        let mut deprecated = false;
        if let Some(start) = rest.find('[') {
            if let Some(len) = rest[start..].find(']') {
                let marker = rest[start + 1..start + len].trim().to_ascii_uppercase();
                if marker.is_empty()
                    || !marker
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.diags.error(
                        line,
                        format!("`[{marker}]` is not a stability marker like `[BETA]`"),
                    );
                }
                stability = Some(marker);
                rest.replace_range(start..=start + len, "");
            }
        }
        if let Some(at) = rest.to_ascii_lowercase().find("(deprecated)") {
            deprecated = true;
            rest.replace_range(at..at + "(deprecated)".len(), "");
        }
        if !rest.trim().is_empty() {
            self.diags.error(
                line,
                format!("unexpected text `{}` after the endpoint path", rest.trim()),
            );
        }
        self.labelled = false;
        self.endpoints.push(Endpoint {
            line,
            method,
            path: path.clone(),
            stability,
            deprecated,
            summary: String::new(),
            description: Vec::new(),
            server: None,
            auth: None,
            scopes: Vec::new(),
            params: Vec::new(),
            responses: Vec::new(),
            response_fields: None,
            response_example: None,
            rate_limits: Vec::new(),
            error_handling: Vec::new(),
            code_samples: Vec::new(),
            request_body: None,
        });
    }

    /// Prose inside an endpoint: the summary, then description paragraphs.
    pub(super) fn prose(&mut self, block: &Block) {
        let labelled = self.labelled;
        let Some(endpoint) = self.endpoints.last_mut() else {
            self.diags.warn(
                block.line,
                "text before the first endpoint heading is ignored",
            );
            return;
        };
        if labelled {
            self.diags.warn(
                block.line,
                "text after an endpoint's labelled fields is not understood; ignored",
            );
            return;
        }
        match &block.kind {
            BlockKind::Paragraph(inlines) if endpoint.summary.is_empty() => {
                endpoint.summary = to_plain(inlines).trim().to_string()
            }
            _ => endpoint.description.push(block.raw.trim().to_string()),
        }
    }

    pub(super) fn paragraph(&mut self, block: &Block, inlines: &[Inline]) {
        match self.section {
            Section::Preamble => {
                if let Some((label, rest)) = split_label(inlines) {
                    if label == "Base URL" {
                        match code_spans(&rest).first() {
                            Some(url) => self.base_url = Some((url.clone(), block.line)),
                            None => self
                                .diags
                                .error(block.line, "**Base URL:** needs the URL in backticks"),
                        }
                        return;
                    }
                }
                self.intro.push(block.raw.trim().to_string());
            }
            Section::Models => {
                if let Some(model) = self.models.last_mut() {
                    let text = block.raw.trim().to_string();
                    model.description = Some(match model.description.take() {
                        Some(prev) => format!("{prev}\n\n{text}"),
                        None => text,
                    });
                }
            }
            Section::Endpoints => match split_label(inlines) {
                Some((label, rest)) if self.endpoint_label(&label, &rest, block.line) => {
                    self.labelled = true
                }
                _ if self.labelled && is_see_models(inlines) => {}
                _ => self.prose(block),
            },
            Section::Authentication | Section::Other => {}
        }
    }

    /// Handles a labelled endpoint field. Returns false for an unknown label
    /// before any known one (it is then prose).
    pub(super) fn endpoint_label(&mut self, label: &str, rest: &[Inline], line: usize) -> bool {
        let known = [
            "Server",
            "Auth",
            "Scopes",
            "Parameters",
            "Responses",
            "Response fields",
            "Response example",
            "Request Body",
            "Request example",
            "Rate Limits",
            "Error handling",
            "Example",
        ];
        if !known.contains(&label) {
            if self.labelled {
                self.diags.error(
                    line,
                    format!("unknown field **{label}:** (known: {})", known.join(", ")),
                );
                return true;
            }
            return false;
        }
        let auth_ids = if label == "Auth" {
            self.auth_ids_from(rest, line)
        } else {
            None
        };
        let Some(endpoint) = self.endpoints.last_mut() else {
            self.diags.error(
                line,
                format!("**{label}:** appears before any endpoint heading"),
            );
            return true;
        };
        let text = to_plain(rest).trim().to_string();
        match label {
            "Server" => match code_spans(rest).first() {
                Some(url) => endpoint.server = Some((url.clone(), line)),
                None => self
                    .diags
                    .error(line, "**Server:** needs the URL in backticks"),
            },
            "Auth" => endpoint.auth = auth_ids.map(|ids| (ids, line)),
            "Scopes" => {
                endpoint.scopes = code_spans(rest);
                if endpoint.scopes.is_empty() {
                    self.diags
                        .error(line, "**Scopes:** needs each scope in backticks");
                }
            }
            "Parameters" => self.expect = Expect::ParamTable(line),
            "Responses" => self.expect = Expect::ResponseList(line),
            "Response fields" => match code_spans(rest).first() {
                Some(name) => endpoint.response_fields = Some((name.clone(), line)),
                None => self.diags.error(
                    line,
                    "**Response fields** needs the model name in backticks",
                ),
            },
            "Response example" => self.expect = Expect::ResponseExample(line),
            "Request example" => self.expect = Expect::RequestExample(line),
            "Request Body" => match request_body(rest, line) {
                Ok(body) => endpoint.request_body = Some(body),
                Err(message) => self.diags.error(line, message),
            },
            "Example" => self.expect = Expect::CodeSample(line),
            "Rate Limits" => match parse_rate_limits(&text) {
                Ok(limits) => endpoint.rate_limits = limits,
                Err(message) => self.diags.error(line, message),
            },
            "Error handling" => match parse_error_handling(rest) {
                Ok(advice) => endpoint.error_handling = advice,
                Err(message) => self.diags.error(line, message),
            },
            _ => {}
        }
        true
    }

    pub(super) fn response_item(&mut self, content: &[Inline], line: usize) {
        let Some((Inline::Code(status), rest)) = content.split_first() else {
            self.diags.error(
                line,
                "a response line must start with the status in backticks, e.g. `200`: OK",
            );
            return;
        };
        let status = status.trim().to_string();
        let valid_status = status == "default"
            || (status.len() == 3
                && (status.chars().all(|c| c.is_ascii_digit())
                    || (status.as_bytes()[0].is_ascii_digit() && &status[1..] == "XX"))
                && ('1'..='5').contains(&status.chars().next().unwrap_or('0')));
        if !valid_status {
            self.diags.error(
                line,
                format!("`{status}` is not an HTTP status (100–599, 4XX or default)"),
            );
            return;
        }
        let text = to_markdown(rest);
        let text = text.trim_start().trim_start_matches(':').trim();
        let (description, ty) = match text.split_once('→') {
            Some((before, after)) => {
                let name = after.trim().trim_matches('`').trim();
                match parse_type(name) {
                    Ok(Parsed::Type(ty)) => (before.trim().to_string(), Some(ty)),
                    Ok(Parsed::EnumOf(..)) => {
                        self.diags.error(
                            line,
                            format!("response type `{name}` must name a model or a primitive"),
                        );
                        return;
                    }
                    Err(message) => {
                        self.diags.error(line, format!("response type: {message}"));
                        return;
                    }
                }
            }
            None => (text.to_string(), None),
        };
        let codes = parse_error_codes(&description);
        if let Some(endpoint) = self.endpoints.last_mut() {
            if endpoint.responses.iter().any(|r| r.status == status) {
                self.diags
                    .error(line, format!("status `{status}` is listed twice"));
                return;
            }
            endpoint.responses.push(Response {
                line,
                status,
                description,
                ty,
                codes,
            });
        }
    }
}

/// Whether a paragraph is the `See [Model](#anchor) in Models.` pointer.
pub(super) fn is_see_models(inlines: &[Inline]) -> bool {
    let text = to_plain(inlines);
    text.trim_start().starts_with("See ") && text.trim_end().ends_with("in Models.")
}

/// The code span that follows text ending in `label:`.
pub(super) fn url_after(inlines: &[Inline], label: &str) -> Option<String> {
    let mut previous = String::new();
    for inline in inlines {
        match inline {
            Inline::Code(code)
                if previous
                    .trim_end()
                    .trim_end_matches(':')
                    .to_ascii_lowercase()
                    .ends_with(label) =>
            {
                return Some(code.clone())
            }
            other => previous = to_plain(std::slice::from_ref(other)),
        }
    }
    None
}

/// Checks a path template: starts with `/`, braces balanced, variable names plain.
pub(super) fn check_path_template(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` must start with `/`"));
    }
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if &rest[open..open + 1] == "}" {
            return Err(format!("path `{path}` has a `}}` without `{{`"));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("path `{path}` has a `{{` without `}}`"));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "path `{path}` has an invalid variable `{{{name}}}`"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

/// The variables of a path template, in order.
pub fn path_variables(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// `1: The item type does not exist. 2: The asset does not exist.` → codes 1 and 2.
/// A description that does not start with `N: ` is one message without a code.
pub fn parse_error_codes(text: &str) -> Vec<ErrorCode> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new(); // (start of number, start of message, code)
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || bytes[i - 1].is_ascii_whitespace();
        if boundary && bytes[i].is_ascii_digit() {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if text[j..].starts_with(": ") {
                if let Ok(code) = text[i..j].parse::<i64>() {
                    starts.push((i, j + 2, code));
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if starts.first().map(|s| s.0) != Some(0) {
        let message = text.trim();
        return if message.is_empty() || message == "OK" {
            Vec::new()
        } else {
            vec![ErrorCode {
                code: None,
                message: message.to_string(),
            }]
        };
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &(_, message_start, code))| {
            let end = starts.get(n + 1).map(|s| s.0).unwrap_or(text.len());
            ErrorCode {
                code: Some(code),
                message: text[message_start..end].trim().to_string(),
            }
        })
        .collect()
}

pub(crate) fn parse_rate_limits(text: &str) -> Result<Vec<RateLimit>, String> {
    let mut limits = Vec::new();
    for entry in text.split(',') {
        let entry = entry.trim();
        let bad = || {
            format!("rate limit `{entry}` should read `key: N/period` (period second, minute, hour or day)")
        };
        let (key, value) = entry.split_once(':').ok_or_else(bad)?;
        let (max, period) = value.trim().split_once('/').ok_or_else(bad)?;
        let max = max.trim().parse::<u64>().map_err(|_| bad())?;
        let period = match period.trim().to_ascii_lowercase().as_str() {
            "second" | "sec" | "s" => "SECOND",
            "minute" | "min" | "m" => "MINUTE",
            "hour" | "h" => "HOUR",
            "day" | "d" => "DAY",
            _ => return Err(bad()),
        };
        if key.trim().is_empty() {
            return Err(bad());
        }
        limits.push(RateLimit {
            key: key.trim().to_string(),
            max,
            period: period.to_string(),
        });
    }
    Ok(limits)
}

/// `` `401`: advice. `403`: advice. `` → [(401, advice), (403, advice)].
pub(super) fn parse_error_handling(rest: &[Inline]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for inline in rest {
        match inline {
            Inline::Code(code) if code.len() == 3 && code.chars().all(|c| c.is_ascii_digit()) => {
                out.push((code.clone(), String::new()))
            }
            other => match out.last_mut() {
                Some((_, text)) => text.push_str(&to_markdown(std::slice::from_ref(other))),
                None if to_plain(std::slice::from_ref(other)).trim().is_empty() => {}
                None => {
                    return Err(
                        "**Error handling:** should read `` `401`: advice `403`: advice ``".into(),
                    )
                }
            },
        }
    }
    for (_, text) in &mut out {
        *text = text.trim().trim_start_matches(':').trim().to_string();
    }
    Ok(out)
}

/// `` `application/json` — Type: `Model` `` (or `` Type: `object` ``).
pub(super) fn request_body(rest: &[Inline], line: usize) -> Result<RequestBody, String> {
    let usage = "**Request Body:** should read `` `media/type` — Type: `Model` `` (or `object`)";
    let spans = code_spans(rest);
    let (Some(media), Some(ty)) = (spans.first(), spans.get(1)) else {
        return Err(usage.into());
    };
    if !media.contains('/') {
        return Err(format!("`{media}` is not a media type; {usage}"));
    }
    let ty = if ty.trim() == "object" {
        BodyType::Object
    } else {
        match parse_type(ty)? {
            Parsed::Type(ty) => BodyType::Typed(ty),
            Parsed::EnumOf(..) => return Err(format!("`{ty}` is not a body type; {usage}")),
        }
    };
    Ok(RequestBody {
        line,
        media: media.trim().to_ascii_lowercase(),
        ty,
        example: None,
    })
}
