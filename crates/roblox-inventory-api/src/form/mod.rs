//! `multipart/form-data` request bodies.
//!
//! progenitor generates no client for form bodies, so an operation whose body
//! is a form takes a raw body in its builder (`.body(…)`), and [`Form`] makes
//! it: the parts the operation table states ([`Operation::form`]), checked as
//! they are added, encoded in memory (RFC 7578). The client's hooks then send
//! it with its `multipart/form-data; boundary=…` content type, and refuse a
//! body that is not a form of that operation before anything is sent.
//!
//! The encoder is ours: the maintained encoders (reqwest's `multipart`,
//! `common-multipart-rfc7578`) stream into a request they build themselves and
//! keep the boundary to themselves, while a generated builder takes a finished
//! body, so the content type must be readable from the body.
//!
//! ```
//! use roblox_inventory_api::{operations::Operation, Form, FormError};
//!
//! // An operation without a form body refuses every part.
//! let refused = Form::new(Operation::ALL[0]).text("name", "VIP").encode();
//! assert!(matches!(refused, Err(FormError::NotAForm { .. })));
//! ```

use std::hash::{Hash, Hasher};

use crate::operations::{FormPart, Operation, PartKind};

/// Why a form cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The operation's request body is not a form.
    #[error("{operation}: its request body is not a multipart form")]
    NotAForm {
        /// The operation.
        operation: Operation,
    },
    /// A part the operation does not take.
    #[error("{operation}: the form has no part `{name}` (it takes {expected})")]
    UnknownPart {
        /// The operation.
        operation: Operation,
        /// The name given.
        name: String,
        /// The parts it takes.
        expected: String,
    },
    /// A part given as the wrong kind (text for a file, …).
    #[error("{operation}: part `{name}` is {expected:?}, not {given:?}")]
    WrongKind {
        /// The operation.
        operation: Operation,
        /// The part.
        name: &'static str,
        /// What the part carries.
        expected: PartKind,
        /// What was given.
        given: PartKind,
    },
    /// A part given twice.
    #[error("{operation}: part `{name}` is given twice")]
    Repeated {
        /// The operation.
        operation: Operation,
        /// The part.
        name: &'static str,
    },
    /// A required part not given.
    #[error("{operation}: the required part `{name}` is missing")]
    Missing {
        /// The operation.
        operation: Operation,
        /// The part.
        name: &'static str,
    },
    /// A JSON part's value does not serialize.
    #[error("{operation}: part `{name}` does not serialize as JSON: {message}")]
    Json {
        /// The operation.
        operation: Operation,
        /// The part.
        name: &'static str,
        /// serde_json's message.
        message: String,
    },
    /// A file part's media type is not `type/subtype` in visible ASCII.
    #[error("{operation}: part `{name}`: `{media_type}` is not a media type (`image/png`)")]
    MediaType {
        /// The operation.
        operation: Operation,
        /// The part.
        name: &'static str,
        /// What was given.
        media_type: String,
    },
    /// The request's body is not an encoded [`Form`] of this operation (raw
    /// bytes, a stream, or another operation's form).
    #[error("{operation}: the request body is not a Form of this operation (build it with `Form::new({operation:?})…encode()`)")]
    NotEncoded {
        /// The operation.
        operation: Operation,
    },
}

/// One part, encoded.
#[derive(Debug, Clone)]
struct Encoded {
    name: &'static str,
    /// The part's header lines, each ending in CRLF.
    headers: String,
    data: Vec<u8>,
}

/// A `multipart/form-data` body for an operation whose request body is a
/// form, built part by part and checked against the operation table
/// ([`Operation::form`]): unknown, repeated or mistyped parts and missing
/// required ones are a [`FormError`] from [`Form::encode`], before any
/// request.
#[derive(Debug, Clone)]
pub struct Form {
    operation: Operation,
    /// The operation's parts (the table's; a unit test's own).
    form: Option<&'static [FormPart]>,
    parts: Vec<Encoded>,
    /// The first problem met while adding parts.
    problem: Option<FormError>,
}

impl Form {
    /// An empty form for `operation`.
    pub fn new(operation: Operation) -> Self {
        Self::with_parts(operation, operation.form())
    }

    fn with_parts(operation: Operation, form: Option<&'static [FormPart]>) -> Self {
        Self {
            operation,
            form,
            parts: Vec::new(),
            problem: form.is_none().then_some(FormError::NotAForm { operation }),
        }
    }

    /// Adds the text part `name`.
    pub fn text(self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        self.add(name, PartKind::Text, |_| {
            Ok((String::new(), value.into_bytes()))
        })
    }

    /// Adds the JSON part `name`: `value` serialized, sent as `application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        let operation = self.operation;
        self.add(name, PartKind::Json, |part| {
            serde_json::to_vec(value)
                .map(|data| ("Content-Type: application/json\r\n".to_string(), data))
                .map_err(|e| FormError::Json {
                    operation,
                    name: part.name,
                    message: e.to_string(),
                })
        })
    }

    /// Adds the file part `name`: `bytes`, named `file_name`, of `media_type`
    /// (`image/png`).
    pub fn file(
        self,
        name: &str,
        file_name: &str,
        media_type: &str,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        let operation = self.operation;
        let bytes = bytes.into();
        self.add(name, PartKind::File, |part| {
            if !is_media_type(media_type) {
                return Err(FormError::MediaType {
                    operation,
                    name: part.name,
                    media_type: media_type.to_string(),
                });
            }
            // The file name is quoted; quotes and line breaks are escaped as
            // browsers escape them (WHATWG), so no name can break the header.
            let escaped = file_name
                .replace('"', "%22")
                .replace('\r', "%0D")
                .replace('\n', "%0A");
            Ok((
                format!("; filename=\"{escaped}\"\r\nContent-Type: {media_type}\r\n"),
                bytes,
            ))
        })
    }

    /// Checks the part `name` and adds what `encode` makes of it: extra header
    /// text (after the name) and the data.
    fn add(
        mut self,
        name: &str,
        given: PartKind,
        encode: impl FnOnce(&FormPart) -> Result<(String, Vec<u8>), FormError>,
    ) -> Self {
        if self.problem.is_some() {
            return self;
        }
        let operation = self.operation;
        let parts = self.form.unwrap_or_default();
        let Some(part) = parts.iter().find(|p| p.name == name) else {
            self.problem = Some(FormError::UnknownPart {
                operation,
                name: name.to_string(),
                expected: parts
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
            return self;
        };
        self.problem = if part.kind != given {
            Some(FormError::WrongKind {
                operation,
                name: part.name,
                expected: part.kind,
                given,
            })
        } else if self.parts.iter().any(|p| p.name == part.name) {
            Some(FormError::Repeated {
                operation,
                name: part.name,
            })
        } else {
            match encode(part) {
                Ok((extra, data)) => {
                    let headers = match extra.strip_prefix(';') {
                        // The file name continues the disposition line.
                        Some(rest) => format!(
                            "Content-Disposition: form-data; name=\"{}\";{rest}",
                            part.name
                        ),
                        None => format!(
                            "Content-Disposition: form-data; name=\"{}\"\r\n{extra}",
                            part.name
                        ),
                    };
                    self.parts.push(Encoded {
                        name: part.name,
                        headers,
                        data,
                    });
                    None
                }
                Err(problem) => Some(problem),
            }
        };
        self
    }

    /// The encoded body, or the first problem with the form.
    pub fn encode(self) -> Result<FormBody, FormError> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let operation = self.operation;
        let parts = self.form.ok_or(FormError::NotAForm { operation })?;
        if let Some(missing) = parts
            .iter()
            .find(|p| p.required && !self.parts.iter().any(|given| given.name == p.name))
        {
            return Err(FormError::Missing {
                operation,
                name: missing.name,
            });
        }
        let boundary = boundary_for(&self.parts);
        let mut bytes = Vec::new();
        for part in &self.parts {
            bytes.extend_from_slice(format!("--{boundary}\r\n{}\r\n", part.headers).as_bytes());
            bytes.extend_from_slice(&part.data);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok(FormBody { bytes, boundary })
    }
}

/// An encoded [`Form`]: give it to the operation's builder as its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormBody {
    bytes: Vec<u8>,
    boundary: String,
}

impl FormBody {
    /// The `Content-Type` it is sent with.
    pub fn content_type(&self) -> String {
        content_type(&self.boundary)
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<FormBody> for reqwest::Body {
    fn from(body: FormBody) -> Self {
        reqwest::Body::from(body.bytes)
    }
}

/// What every boundary starts with: how the hooks recognize an encoded form.
const BOUNDARY_PREFIX: &str = "roblox-inventory-form-";

fn content_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// A boundary no part contains: derived from the parts (the same form encodes
/// to the same bytes), bumped until no part's data or headers contain it.
fn boundary_for(parts: &[Encoded]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    for part in parts {
        part.headers.hash(&mut hasher);
        part.data.hash(&mut hasher);
    }
    let seed = hasher.finish();
    (0u64..)
        .map(|bump| format!("{BOUNDARY_PREFIX}{:016x}", seed.wrapping_add(bump)))
        .find(|boundary| {
            !parts.iter().any(|p| {
                contains(&p.data, boundary.as_bytes()) || p.headers.contains(boundary.as_str())
            })
        })
        .unwrap_or_else(|| format!("{BOUNDARY_PREFIX}{seed:016x}"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `type/subtype` (parameters allowed), visible ASCII only.
fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or_default().trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
        && text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// For an operation whose body is a form: checks that the request's body is
/// an encoded [`Form`] of it and sets the form's content type (progenitor's
/// raw body says `application/octet-stream`). Other operations are left alone.
pub(crate) fn prepare(
    request: &mut reqwest::Request,
    operation: Operation,
) -> Result<(), FormError> {
    match operation.form() {
        Some(parts) => prepare_with(request, operation, parts),
        None => Ok(()),
    }
}

fn prepare_with(
    request: &mut reqwest::Request,
    operation: Operation,
    parts: &[FormPart],
) -> Result<(), FormError> {
    let not_encoded = || FormError::NotEncoded { operation };
    let bytes = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .ok_or_else(not_encoded)?;
    let boundary = boundary_of(bytes).ok_or_else(not_encoded)?;
    // Each part's name, as the encoder wrote it: all the operation's, and
    // every required one there (another operation's form is refused).
    let opening = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"");
    let names: Vec<&[u8]> = split(bytes, opening.as_bytes())
        .skip(1)
        .map(|rest| rest.split(|b| *b == b'"').next().unwrap_or_default())
        .collect();
    let known = names
        .iter()
        .all(|name| parts.iter().any(|p| p.name.as_bytes() == *name));
    let complete = parts
        .iter()
        .filter(|p| p.required)
        .all(|p| names.contains(&p.name.as_bytes()));
    if names.is_empty() || !known || !complete {
        return Err(not_encoded());
    }
    let value = reqwest::header::HeaderValue::from_str(&content_type(boundary))
        .map_err(|_| not_encoded())?;
    request
        .headers_mut()
        .insert(reqwest::header::CONTENT_TYPE, value);
    Ok(())
}

/// The boundary of an encoded [`Form`]: its first line, `--` and a boundary of
/// ours, and its last, the same boundary closed.
fn boundary_of(bytes: &[u8]) -> Option<&str> {
    let first = bytes.split(|b| *b == b'\n').next()?;
    let boundary = std::str::from_utf8(first.strip_prefix(b"--")?.strip_suffix(b"\r")?).ok()?;
    let hex = boundary.strip_prefix(BOUNDARY_PREFIX)?;
    let closed = format!("\r\n--{boundary}--\r\n");
    (hex.len() == 16
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && bytes.ends_with(closed.as_bytes()))
    .then_some(boundary)
}

/// `bytes` split at every occurrence of `separator`.
fn split<'a>(bytes: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match current
            .windows(separator.len())
            .position(|w| w == separator)
        {
            Some(at) => {
                rest = Some(&current[at + separator.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[cfg(test)]
mod tests;
