//! The document parser's unit tests.

use super::*;

#[test]
fn error_codes_split_on_numbers_at_word_starts() {
    let codes = parse_error_codes("0: Token Validation Failed 4: You don't own the specified item. 9: The collection is full.");
    assert_eq!(
        codes,
        vec![
            ErrorCode {
                code: Some(0),
                message: "Token Validation Failed".into()
            },
            ErrorCode {
                code: Some(4),
                message: "You don't own the specified item.".into()
            },
            ErrorCode {
                code: Some(9),
                message: "The collection is full.".into()
            },
        ]
    );
    assert_eq!(
        parse_error_codes("The specified asset type(s) are invalid."),
        vec![ErrorCode {
            code: None,
            message: "The specified asset type(s) are invalid.".into()
        }]
    );
    assert!(parse_error_codes("OK").is_empty());
}

#[test]
fn types() {
    assert!(matches!(
        parse_type("integer[]"),
        Ok(Parsed::Type(TypeExpr::Array(_)))
    ));
    assert!(
        matches!(parse_type("0 | 1 | 2"), Ok(Parsed::Type(TypeExpr::IntEnum(v))) if v == vec![0, 1, 2])
    );
    assert!(matches!(
        parse_type("Asc | Desc"),
        Ok(Parsed::Type(TypeExpr::StrEnum(_)))
    ));
    assert!(matches!(
        parse_type("integer enum (6 values)"),
        Ok(Parsed::EnumOf(Primitive::Integer, 6))
    ));
    assert!(matches!(
        parse_type("Roblox.Models.X_Y_"),
        Ok(Parsed::Type(TypeExpr::Named(_)))
    ));
    assert!(parse_type("strng thing").is_err());
    assert!(parse_type("1 | Desc").is_err());
}

#[test]
fn rate_limits() {
    let limits =
        parse_rate_limits("perApiKeyOwner: 100/minute, perOauth2Authorization: 20/minute").unwrap();
    assert_eq!(
        limits[1],
        RateLimit {
            key: "perOauth2Authorization".into(),
            max: 20,
            period: "MINUTE".into()
        }
    );
    assert!(parse_rate_limits("perIp: lots").is_err());
}

#[test]
fn path_templates() {
    assert!(check_path_template("/v1/users/{userId}/x").is_ok());
    assert!(check_path_template("v1/users").is_err());
    assert!(check_path_template("/v1/{a").is_err());
    assert!(check_path_template("/v1/a}").is_err());
    assert_eq!(path_variables("/a/{x}/b/{y}"), vec!["x", "y"]);
}
