//! A decision of the client on its way to the caller: the source of the one
//! `reqwest::Error` the executor can make (see the parent module's docs).

use std::sync::Mutex;

use crate::client::lock;
use crate::error::Error;

/// A decision of the client, on its way to the caller as the source of a
/// `reqwest::Error` (see the module docs).
#[derive(Debug)]
pub(crate) struct Decided {
    /// Taken out once, by whoever converts the error.
    error: Mutex<Option<Error>>,
    /// What it said, for `Display` after it was taken.
    text: String,
}

impl std::fmt::Display for Decided {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Decided {}

/// The `reqwest::Error` that carries `error` as its source.
pub(crate) fn mint(error: Error) -> reqwest::Error {
    use http_body::Body as _;
    let decided = Decided {
        text: error.to_string(),
        error: Mutex::new(Some(error)),
    };
    let mut body = reqwest::Body::wrap_stream(futures_util::stream::iter([Err::<
        bytes::Bytes,
        Decided,
    >(decided)]));
    // The stream is ready at once: the first poll yields its error.
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..4 {
        if let std::task::Poll::Ready(Some(Err(error))) =
            std::pin::Pin::new(&mut body).poll_frame(&mut context)
        {
            return error;
        }
    }
    // Not reached (a test checks the poll above); were it, the caller gets a
    // plain error rather than a hang or a panic.
    tracing::error!("the executor could not hand its decision to the caller");
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    match reqwest::Response::from(response).error_for_status() {
        Err(error) => error,
        Ok(_) => mint(Error::InvalidArgument {
            name: "executor",
            reason: "unreachable".into(),
        }),
    }
}

/// The decision `error` carries, taken out of it (see [`mint`]).
pub(crate) fn decided(error: &reqwest::Error) -> Option<Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(decided) = current.downcast_ref::<Decided>() {
            return lock(&decided.error).take();
        }
        source = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use roblox_inventory_api::operations::{Host, Operation};

    #[test]
    fn a_decision_travels_inside_the_error_and_is_taken_once() {
        let error = mint(Error::WrongHost {
            operation: Operation::CloudListInventoryItems,
            client: Host::Legacy,
        });
        // reqwest's own text is generic; the decision's is the source's.
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert!(
            source.is_some_and(|s| s.contains("Cloud_ListInventoryItems")),
            "{error:?}"
        );
        assert!(matches!(
            decided(&error),
            Some(Error::WrongHost {
                operation: Operation::CloudListInventoryItems,
                client: Host::Legacy
            })
        ));
        assert!(decided(&error).is_none(), "taken once");
    }
}
