//! A decision of the client on its way to the caller: the source of the one
//! `reqwest::Error` the executor can make (see the parent module's docs). The
//! API crate carries it ([`roblox_inventory_api::refusal`]), as it carries its
//! own refusals (a form body that does not fit its operation).

use roblox_inventory_api::refusal;

use crate::error::Error;

/// The `reqwest::Error` that carries `error` as its source.
pub(crate) fn mint(error: Error) -> reqwest::Error {
    refusal::refuse(error)
}

/// The decision `error` carries, taken out of it (see [`mint`]), or the API
/// crate's refusal as the error it is.
pub(crate) fn decided(error: &reqwest::Error) -> Option<Error> {
    let refused = refusal::take_refusal(error)?;
    Some(match refused.downcast::<Error>() {
        Ok(decided) => *decided,
        Err(refused) => match refused.downcast::<roblox_inventory_api::FormError>() {
            Ok(form) => Error::InvalidArgument {
                name: "body",
                reason: form.to_string(),
            },
            Err(other) => Error::InvalidArgument {
                name: "request",
                reason: other.to_string(),
            },
        },
    })
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
