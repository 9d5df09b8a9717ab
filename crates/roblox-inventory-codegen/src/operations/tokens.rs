//! The Rust source of the table: `Host`, `Scheme`, `Per`, `RateLimit`, `Csrf`,
//! `DocumentedCode`, `PrivateInventory` and `Operation` with its accessors.

use heck::ToPascalCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::{Placement, Table};
use crate::named_enums::ident;

fn pascal(text: &str) -> proc_macro2::Ident {
    let mut name = text.to_pascal_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    ident(&name)
}

fn per_tokens(per: &str) -> TokenStream {
    match per {
        "perApiKeyOwner" => quote!(Per::ApiKeyOwner),
        "perOauth2Authorization" => quote!(Per::Oauth2Authorization),
        "perIp" => quote!(Per::Ip),
        "perCookie" => quote!(Per::Cookie),
        other => quote!(Per::Other(#other)),
    }
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// The Rust source of `pub mod operations`.
pub fn table_tokens(table: &Table) -> TokenStream {
    let host_variants: Vec<_> = table.hosts.iter().map(|h| pascal(&h.tag)).collect();
    let host_tags: Vec<&str> = table.hosts.iter().map(|h| h.tag.as_str()).collect();
    let host_urls: Vec<&str> = table.hosts.iter().map(|h| h.url.as_str()).collect();
    let host_docs: Vec<String> = table
        .hosts
        .iter()
        .map(|h| format!("`{}` ({}): {}", h.tag, h.url, h.description))
        .collect();

    let scheme_variants: Vec<_> = table.schemes.iter().map(|s| pascal(&s.name)).collect();
    let scheme_names: Vec<&str> = table.schemes.iter().map(|s| s.name.as_str()).collect();
    let scheme_docs: Vec<String> = table
        .schemes
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    let placements: Vec<TokenStream> = table
        .schemes
        .iter()
        .map(|s| match &s.placement {
            Placement::Header(name) => quote!(Placement::Header(#name)),
            Placement::Cookie(name) => quote!(Placement::Cookie(#name)),
            Placement::Bearer => quote!(Placement::Bearer),
        })
        .collect();

    let ops = &table.operations;
    let variants: Vec<_> = ops.iter().map(|o| pascal(&o.operation_id)).collect();
    let ids: Vec<&str> = ops.iter().map(|o| o.operation_id.as_str()).collect();
    let method_names: Vec<&str> = ops.iter().map(|o| o.method_name.as_str()).collect();
    let summaries: Vec<&str> = ops.iter().map(|o| o.summary.as_str()).collect();
    let methods: Vec<&str> = ops.iter().map(|o| o.method.as_str()).collect();
    let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
    let docs: Vec<String> = ops
        .iter()
        .map(|o| {
            format!(
                "`{}`: {} `{} {}`",
                o.operation_id, o.summary, o.method, o.path
            )
        })
        .collect();
    let hosts: Vec<_> = ops.iter().map(|o| pascal(&o.host)).collect();
    let schemes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.schemes.iter().map(|s| pascal(s));
            quote!(&[#(Scheme::#each),*])
        })
        .collect();
    let anonymous: Vec<bool> = ops.iter().map(|o| o.anonymous).collect();
    let scopes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.scopes.iter();
            quote!(&[#(#each),*])
        })
        .collect();
    let csrf: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            option(o.csrf.as_ref().map(|(header, status, code)| {
                quote!(Csrf { header: #header, status: #status, code: #code })
            }))
        })
        .collect();
    let limits: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.rate_limits.iter().map(|l| {
                let per = per_tokens(&l.per);
                let (max, secs) = (l.max, l.period_secs);
                quote!(RateLimit { per: #per, max: #max, period: ::std::time::Duration::from_secs(#secs) })
            });
            // `Duration::from_secs` is a call, which `&[…]` does not promote: a const does.
            quote!({ const LIMITS: &[RateLimit] = &[#(#each),*]; LIMITS })
        })
        .collect();
    let codes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.error_codes.iter().map(|c| {
                let (status, message) = (c.status, c.message.as_str());
                let code = option(c.code);
                quote!(DocumentedCode { status: #status, code: #code, message: #message })
            });
            quote!(&[#(#each),*])
        })
        .collect();
    let private: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            option(o.private_inventory.as_ref().map(|(status, code, cloud_code)| {
                let code = option(*code);
                let cloud_code = option(cloud_code.as_deref());
                quote!(PrivateInventory { status: #status, code: #code, cloud_code: #cloud_code })
            }))
        })
        .collect();
    let forms: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            option(o.form.as_ref().map(|parts| {
                let each = parts.iter().map(|p| {
                    let name = p.name.as_str();
                    let required = p.required;
                    let kind = match p.kind {
                        crate::forms::PartKind::Text => quote!(PartKind::Text),
                        crate::forms::PartKind::File => quote!(PartKind::File),
                        crate::forms::PartKind::Json => quote!(PartKind::Json),
                    };
                    quote!(FormPart { name: #name, kind: #kind, required: #required })
                });
                quote!(&[#(#each),*])
            }))
        })
        .collect();

    quote! {
        /// A host of the API: the operations of one tag, all served from one URL.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Host {
            #( #[doc = #host_docs] #host_variants, )*
        }

        impl Host {
            /// Every host of the spec.
            pub const ALL: &'static [Host] = &[#(Host::#host_variants),*];

            /// Its tag in the spec.
            pub const fn tag(self) -> &'static str {
                match self { #( Host::#host_variants => #host_tags, )* }
            }

            /// The URL the spec serves it from.
            pub const fn default_base_url(self) -> &'static str {
                match self { #( Host::#host_variants => #host_urls, )* }
            }
        }

        impl ::std::fmt::Display for Host {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.tag())
            }
        }

        /// Where a security scheme puts its credential.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Placement {
            /// A request header with this (lower-case) name.
            Header(&'static str),
            /// A cookie with this name.
            Cookie(&'static str),
            /// `Authorization: Bearer …`.
            Bearer,
        }

        /// A security scheme of the spec (`components.securitySchemes`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Scheme {
            #( #[doc = #scheme_docs] #scheme_variants, )*
        }

        impl Scheme {
            /// Every scheme of the spec.
            pub const ALL: &'static [Scheme] = &[#(Scheme::#scheme_variants),*];

            /// Its name in the spec.
            pub const fn name(self) -> &'static str {
                match self { #( Scheme::#scheme_variants => #scheme_names, )* }
            }

            /// Where its credential goes.
            pub const fn placement(self) -> Placement {
                match self { #( Scheme::#scheme_variants => #placements, )* }
            }
        }

        /// What a rate limit is counted per (the keys of `x-roblox-rate-limits`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Per {
            /// `perApiKeyOwner`: the owner of the API key.
            ApiKeyOwner,
            /// `perOauth2Authorization`: one OAuth 2.0 grant.
            Oauth2Authorization,
            /// `perIp`: the client's address.
            Ip,
            /// `perCookie`: the signed-in `.ROBLOSECURITY` cookie.
            Cookie,
            /// A key this version does not know, as the spec writes it.
            Other(&'static str),
        }

        impl Per {
            /// As the spec writes it.
            pub const fn name(self) -> &'static str {
                match self {
                    Per::ApiKeyOwner => "perApiKeyOwner",
                    Per::Oauth2Authorization => "perOauth2Authorization",
                    Per::Ip => "perIp",
                    Per::Cookie => "perCookie",
                    Per::Other(name) => name,
                }
            }
        }

        /// A documented rate limit: `max` requests per fixed `period`, counted per `per`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct RateLimit {
            /// What it is counted per.
            pub per: Per,
            /// Requests per period.
            pub max: u32,
            /// The period.
            pub period: ::std::time::Duration,
        }

        /// The X-CSRF-TOKEN exchange: a refused token is answered with `status`
        /// and legacy `code`, and a fresh token in the `header` response header,
        /// which the retry carries in the same request header.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct Csrf {
            /// The header (lower-case).
            pub header: &'static str,
            /// The status of a refused token.
            pub status: u16,
            /// The legacy code of a refused token.
            pub code: i64,
        }

        /// A documented error answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct DocumentedCode {
            /// The HTTP status.
            pub status: u16,
            /// The legacy numbered code, where documented.
            pub code: Option<i64>,
            /// The documented message.
            pub message: &'static str,
        }

        /// The answer that means "this user's inventory is private to this caller".
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct PrivateInventory {
            /// The HTTP status.
            pub status: u16,
            /// The legacy code, if only one code of that status means it.
            pub code: Option<i64>,
            /// The Open Cloud code of the endpoint's own answer that means it
            /// (the same status in another shape is something else, such as the
            /// gateway refusing the credential).
            pub cloud_code: Option<&'static str>,
        }

        impl PrivateInventory {
            /// Whether an answer with `status`, legacy `code` and Open Cloud
            /// `cloud_code` means it.
            pub fn matches(self, status: u16, code: Option<i64>, cloud_code: Option<&str>) -> bool {
                status == self.status
                    && (self.code.is_none() || self.code == code)
                    && (self.cloud_code.is_none() || self.cloud_code == cloud_code)
            }
        }

        /// What one part of a `multipart/form-data` body carries.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum PartKind {
            /// Text.
            Text,
            /// A file: bytes with a file name and a media type.
            File,
            /// A JSON document, sent as `application/json`.
            Json,
        }

        /// One part of an operation's `multipart/form-data` body.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct FormPart {
            /// The field name.
            pub name: &'static str,
            /// What it carries.
            pub kind: PartKind,
            /// Whether the request needs it.
            pub required: bool,
        }

        /// An operation of the spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            #( #[doc = #docs] #variants, )*
        }

        impl Operation {
            /// Every operation of the spec, in its order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// Roblox's operationId (also what `Display` prints).
            pub const fn operation_id(self) -> &'static str {
                match self { #( Operation::#variants => #ids, )* }
            }

            /// The generated client's method for it.
            pub const fn method_name(self) -> &'static str {
                match self { #( Operation::#variants => #method_names, )* }
            }

            /// Its summary: what it does, in a few words.
            pub const fn summary(self) -> &'static str {
                match self { #( Operation::#variants => #summaries, )* }
            }

            /// The host that serves it.
            pub const fn host(self) -> Host {
                match self { #( Operation::#variants => Host::#hosts, )* }
            }

            /// The HTTP method, upper-case.
            pub const fn method(self) -> &'static str {
                match self { #( Operation::#variants => #methods, )* }
            }

            /// The path template.
            pub const fn path(self) -> &'static str {
                match self { #( Operation::#variants => #paths, )* }
            }

            /// The security schemes it accepts, in the spec's order.
            pub const fn schemes(self) -> &'static [Scheme] {
                match self { #( Operation::#variants => #schemes, )* }
            }

            /// The OAuth 2.0 scopes its security asks for.
            pub const fn oauth_scopes(self) -> &'static [&'static str] {
                match self { #( Operation::#variants => #scopes, )* }
            }

            /// Whether it may be called with no credential.
            pub const fn allows_anonymous(self) -> bool {
                match self { #( Operation::#variants => #anonymous, )* }
            }

            /// Whether it accepts `scheme`.
            pub fn accepts(self, scheme: Scheme) -> bool {
                self.schemes().contains(&scheme)
            }

            /// The X-CSRF-TOKEN exchange, if it needs one.
            pub const fn csrf(self) -> Option<Csrf> {
                match self { #( Operation::#variants => #csrf, )* }
            }

            /// Its documented rate limits.
            pub const fn rate_limits(self) -> &'static [RateLimit] {
                match self { #( Operation::#variants => #limits, )* }
            }

            /// Its documented error answers.
            pub const fn error_codes(self) -> &'static [DocumentedCode] {
                match self { #( Operation::#variants => #codes, )* }
            }

            /// The answer that means "this inventory is private to you", if it has one.
            pub const fn private_inventory(self) -> Option<PrivateInventory> {
                match self { #( Operation::#variants => #private, )* }
            }

            /// The parts of its `multipart/form-data` body, if its body is a
            /// form (build it with `Form`).
            pub const fn form(self) -> Option<&'static [FormPart]> {
                match self { #( Operation::#variants => #forms, )* }
            }

            /// The documented error with this status and legacy code, if any.
            pub fn documented(self, status: u16, code: Option<i64>) -> Option<DocumentedCode> {
                self.error_codes()
                    .iter()
                    .find(|c| c.status == status && c.code == code)
                    .copied()
            }

            /// The operation with this operationId.
            pub fn from_operation_id(id: &str) -> Option<Operation> {
                match id {
                    #( #ids => Some(Operation::#variants), )*
                    _ => None,
                }
            }

            /// The operation a generated method stands for (what progenitor
            /// reports to the client's hooks).
            pub fn from_method_name(name: &str) -> Option<Operation> {
                match name {
                    #( #method_names => Some(Operation::#variants), )*
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for Operation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.operation_id())
            }
        }
    }
}

/// One client type per host (`CloudClient`, `LegacyClient`): a generated
/// `Client` whose base URL serves that host, with that host's operations as
/// its only methods, so another host's operation cannot be written against
/// it. Each method forwards to progenitor's per-tag trait (`Client{Tag}Ext`).
pub fn host_client_tokens(table: &Table) -> TokenStream {
    let items = table.hosts.iter().map(|host| {
        let name = ident(&format!("{}Client", host.tag.to_pascal_case()));
        let trait_name = ident(&format!("Client{}Ext", host.tag.to_pascal_case()));
        let variant = pascal(&host.tag);
        let doc = format!(
            "The `{}` host ({}): a generated [`Client`] whose base URL serves it, with \
             this host's operations and no other. Its hooks should be \
             [`Hooks::bound_to`](crate::Hooks::bound_to) `Host::{}` as well, so an executor \
             refuses what this type cannot express.",
            host.tag, host.url, variant
        );
        let ops: Vec<_> = table
            .operations
            .iter()
            .filter(|o| o.host == host.tag)
            .collect();
        let methods = ops.iter().map(|o| ident(&o.method_name));
        let builders = ops.iter().map(|o| ident(&o.method_name.to_pascal_case()));
        let docs = ops.iter().map(|o| {
            format!(
                "{} (`{} {}`, operationId `{}`).",
                o.summary.trim_end_matches('.'),
                o.method,
                o.path,
                o.operation_id
            )
        });
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #name {
                client: Client,
            }

            impl #name {
                /// Wraps `client`, whose base URL must serve this host.
                pub fn new(client: Client) -> Self {
                    Self { client }
                }

                /// The base URL requests go to.
                pub fn baseurl(&self) -> &str {
                    ClientInfo::baseurl(&self.client)
                }

                /// The host these operations are served by.
                pub const fn host() -> operations::Host {
                    operations::Host::#variant
                }

                #(
                    #[doc = #docs]
                    pub fn #methods(&self) -> builder::#builders<'_> {
                        #trait_name::#methods(&self.client)
                    }
                )*
            }
        }
    });
    quote! { #(#items)* }
}
