//! A request refused before it was sent, on its way to the caller.
//!
//! The generated methods return `reqwest::Error` for anything that is not
//! Roblox's answer, and reqwest has no public constructor for one. A refusal
//! (a form body that does not fit its operation here; a decision of the
//! ergonomic crate's executor there) therefore travels as the *source* of the
//! error a one-frame body stream yields when it fails: no response is made up,
//! and whoever converts the error takes the refusal out, typed
//! ([`take_refusal`]).

use std::sync::Mutex;

/// What [`refuse`] carries: the refusal, taken out once, and its text.
#[derive(Debug)]
struct Refusal {
    error: Mutex<Option<Box<dyn std::error::Error + Send + Sync>>>,
    text: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Refusal {}

/// The `reqwest::Error` whose source is `error` (its `Display` is the
/// refusal's).
pub fn refuse(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> reqwest::Error {
    use http_body::Body as _;
    let error = error.into();
    let refusal = Refusal {
        text: error.to_string(),
        error: Mutex::new(Some(error)),
    };
    let mut body = reqwest::Body::wrap_stream(futures_util::stream::iter([Err::<
        bytes::Bytes,
        Refusal,
    >(refusal)]));
    // The stream is ready at once: the first poll yields its error (a unit
    // test checks it).
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..4 {
        if let std::task::Poll::Ready(Some(Err(error))) =
            std::pin::Pin::new(&mut body).poll_frame(&mut context)
        {
            return error;
        }
    }
    // Not reached; were it, an error without the refusal beats a panic or a
    // hang (a 500 is always an error status).
    loop {
        let mut response = http::Response::new(bytes::Bytes::new());
        *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        if let Err(error) = reqwest::Response::from(response).error_for_status() {
            return error;
        }
    }
}

/// The refusal `error` carries ([`refuse`]), taken out of it: the second call
/// on the same error finds nothing.
pub fn take_refusal(error: &reqwest::Error) -> Option<Box<dyn std::error::Error + Send + Sync>> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(refusal) = current.downcast_ref::<Refusal>() {
            return refusal
                .error
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
        }
        source = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Mine(u32);

    impl std::fmt::Display for Mine {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused with {}", self.0)
        }
    }

    impl std::error::Error for Mine {}

    #[test]
    fn a_refusal_travels_inside_the_error_and_is_taken_once() {
        let error = refuse(Mine(7));
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("refused with 7"), "{error:?}");
        let taken = take_refusal(&error).expect("the refusal");
        assert_eq!(taken.downcast::<Mine>().ok().map(|m| *m), Some(Mine(7)));
        assert!(take_refusal(&error).is_none(), "taken once");
    }
}
