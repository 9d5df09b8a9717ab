//! The encoder and the hooks' check, on parts of the tests' own (the
//! Inventories spec has no form operation; the fixtures' generated clients
//! send theirs end to end, `tests/tests/all/fixtures.rs`).

use super::*;

const PARTS: &[FormPart] = &[
    FormPart {
        name: "request",
        kind: PartKind::Json,
        required: true,
    },
    FormPart {
        name: "caption",
        kind: PartKind::Text,
        required: false,
    },
    FormPart {
        name: "imageFile",
        kind: PartKind::File,
        required: true,
    },
];

/// Any operation: the parts are the test's.
fn operation() -> Operation {
    Operation::ALL[0]
}

fn form() -> Form {
    Form::with_parts(operation(), Some(PARTS))
}

fn request(body: impl Into<reqwest::Body>) -> reqwest::Request {
    let mut request = reqwest::Request::new(
        reqwest::Method::POST,
        "http://127.0.0.1:9/upload".parse().expect("a URL"),
    );
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/octet-stream"),
    );
    *request.body_mut() = Some(body.into());
    request
}

#[test]
fn a_form_encodes_its_parts_in_rfc_7578_form() {
    let sample = || {
        form()
            .json("request", &serde_json::json!({"id": 1}))
            .text("caption", "Hé")
            .file("imageFile", "icon.png", "image/png", b"\x89PNG".to_vec())
            .encode()
            .expect("a valid form")
    };
    let body = sample();
    let text = String::from_utf8_lossy(body.as_bytes()).into_owned();
    let boundary = body
        .content_type()
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type")
        .to_string();
    assert!(boundary.starts_with(BOUNDARY_PREFIX), "{boundary}");
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"request\"\r\nContent-Type: application/json\r\n\r\n{{\"id\":1}}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nHé\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"imageFile\"; filename=\"icon.png\"\r\nContent-Type: image/png\r\n\r\n\u{FFFD}PNG\r\n\
         --{b}--\r\n",
        b = boundary
    );
    assert_eq!(text, expected);
    // The same form, the same bytes.
    assert_eq!(sample(), body);
}

#[test]
fn the_boundary_is_never_inside_a_part() {
    let plain = form()
        .json("request", &1)
        .file("imageFile", "a", "image/png", Vec::new())
        .encode()
        .expect("a valid form");
    let taken = plain
        .content_type()
        .rsplit('=')
        .next()
        .expect("a boundary")
        .to_string();
    // A file holding exactly that boundary gets another one.
    let body = form()
        .json("request", &1)
        .file("imageFile", "a", "image/png", taken.clone().into_bytes())
        .encode()
        .expect("a valid form");
    let boundary = body.content_type().rsplit('=').next().unwrap().to_string();
    assert_ne!(boundary, taken);
    let data = body.as_bytes();
    assert_eq!(
        data.windows(boundary.len())
            .filter(|w| *w == boundary.as_bytes())
            .count(),
        3,
        "two openings and the close only"
    );
}

#[test]
fn file_names_cannot_break_the_part_header() {
    let body = form()
        .json("request", &1)
        .file(
            "imageFile",
            "a\"\r\nX-Injected: 1.png",
            "image/png",
            Vec::new(),
        )
        .encode()
        .expect("a valid form");
    let text = String::from_utf8_lossy(body.as_bytes()).into_owned();
    assert!(
        text.contains("filename=\"a%22%0D%0AX-Injected: 1.png\""),
        "{text}"
    );
    assert!(!text.contains("\r\nX-Injected"), "{text}");
}

#[test]
fn every_mistake_is_a_typed_error_before_any_request() {
    let op = operation();
    let cases = [
        (
            form().text("colour", "red"),
            FormError::UnknownPart {
                operation: op,
                name: "colour".into(),
                expected: "`request`, `caption`, `imageFile`".into(),
            },
        ),
        (
            form().text("imageFile", "not a file"),
            FormError::WrongKind {
                operation: op,
                name: "imageFile",
                expected: PartKind::File,
                given: PartKind::Text,
            },
        ),
        (
            form().text("caption", "a").text("caption", "b"),
            FormError::Repeated {
                operation: op,
                name: "caption",
            },
        ),
        (
            form().json("request", &1),
            FormError::Missing {
                operation: op,
                name: "imageFile",
            },
        ),
        (
            form()
                .json("request", &1)
                .file("imageFile", "a", "image/png\r\nX: 1", Vec::new()),
            FormError::MediaType {
                operation: op,
                name: "imageFile",
                media_type: "image/png\r\nX: 1".into(),
            },
        ),
        (
            // JSON has no object with non-text keys.
            form().json("request", &std::collections::BTreeMap::from([((1, 2), 3)])),
            FormError::Json {
                operation: op,
                name: "request",
                message: "key must be a string".into(),
            },
        ),
        (
            Form::new(op).text("caption", "a"),
            FormError::NotAForm { operation: op },
        ),
    ];
    for (built, expected) in cases {
        assert_eq!(built.encode(), Err(expected));
    }
}

#[test]
fn the_hooks_send_a_form_with_its_content_type_and_refuse_anything_else() {
    let body = form()
        .json("request", &1)
        .file("imageFile", "a.png", "image/png", vec![1, 2, 3])
        .encode()
        .expect("a valid form");
    let content_type = body.content_type();
    let mut sent = request(body);
    prepare_with(&mut sent, operation(), PARTS).expect("a form of the operation");
    assert_eq!(
        sent.headers()[reqwest::header::CONTENT_TYPE],
        content_type.as_str()
    );

    let refused = |body: reqwest::Body, parts: &[FormPart]| {
        prepare_with(&mut request(body), operation(), parts)
    };
    let not_encoded = Err(FormError::NotEncoded {
        operation: operation(),
    });
    // Raw bytes, and a stream the hooks cannot read before sending.
    assert_eq!(refused(b"raw bytes".to_vec().into(), PARTS), not_encoded);
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::new())]);
    assert_eq!(
        refused(reqwest::Body::wrap_stream(stream), PARTS),
        not_encoded
    );
    // Another operation's form: a part this one does not take, or without
    // one it requires.
    let other = form()
        .json("request", &1)
        .text("caption", "c")
        .file("imageFile", "a.png", "image/png", vec![1])
        .encode()
        .unwrap();
    let narrower = &PARTS[..1];
    assert_eq!(refused(other.into(), narrower), not_encoded);
    const WIDER: &[FormPart] = &[FormPart {
        name: "thumbnail",
        kind: PartKind::File,
        required: true,
    }];
    let wider: Vec<FormPart> = PARTS.iter().chain(WIDER).copied().collect();
    let body = form()
        .json("request", &1)
        .file("imageFile", "a.png", "image/png", vec![1])
        .encode()
        .unwrap();
    assert_eq!(refused(body.into(), &wider), not_encoded);
}
