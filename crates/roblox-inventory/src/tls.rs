//! HTTPS for the HTTP clients this crate builds.
//!
//! With the default `rustls` feature, each client gets its own rustls
//! configuration: the ring crypto provider (pure Rust and assembly, no C
//! toolchain: a clean build of a dependent about 30% faster than with
//! aws-lc-rs) and the platform's certificate verifier, the same verifier
//! reqwest uses. Nothing is installed process-wide, so other reqwest clients
//! in the program keep whatever provider the program gives reqwest (its
//! default features give aws-lc-rs).
//!
//! One case needs more: reqwest compiled without a provider of its own
//! (nothing else in the program enables reqwest's TLS) cannot build other
//! clients; [`ensure_tls_provider`] covers it.
//!
//! `rustls-aws-lc` leaves TLS to reqwest's own default (aws-lc-rs);
//! `rustls-no-provider` to a process provider you install.

/// Sets this crate's TLS configuration on `builder` (a client the crate builds
/// itself), where the features ask for one.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    #[cfg(feature = "rustls")]
    {
        Ok(builder.tls_backend_preconfigured(ring_config()?))
    }
    #[cfg(not(feature = "rustls"))]
    {
        Ok(builder)
    }
}

/// Makes the program's other reqwest clients buildable: installs ring as the
/// process's rustls provider, unless one is installed already.
///
/// With the default `rustls` feature this crate compiles reqwest with rustls
/// but without a crypto provider of its own, and sets ring on each client it
/// builds itself, so by default nothing process-wide changes. A program whose
/// own reqwest clients bring a provider (reqwest's default features bring
/// aws-lc-rs) needs nothing more. One whose reqwest clients bring none would
/// see them panic when built (reqwest's "No rustls crypto provider is
/// configured"): it calls this once, before building them.
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) calls it
/// for the builder it is given. Without the `rustls` feature it does nothing.
pub fn ensure_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another thread may have installed one meanwhile: that one stays.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
    }
}

/// rustls with the ring provider and the platform's verifier.
#[cfg(feature = "rustls")]
fn ring_config() -> Result<rustls::ClientConfig, String> {
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
        .map_err(|e| format!("the platform's certificate verifier: {e}"))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

#[cfg(all(test, feature = "rustls", not(feature = "rustls-aws-lc")))]
mod tests {
    /// Clients and OAuth apps bring their own TLS: building them installs
    /// nothing process-wide (the old `rustls-ring` did), and an https request
    /// goes through rustls (a server that is not TLS is a transport error,
    /// not a panic for want of a provider).
    #[tokio::test]
    async fn clients_bring_their_own_tls_and_install_nothing() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
        let client = crate::Client::builder()
            .base_url(format!("https://127.0.0.1:{port}"))
            .retry(crate::RetryConfig::disabled())
            .build()
            .unwrap();
        #[cfg(feature = "oauth")]
        crate::oauth::OAuthApp::public("app", "http://localhost:8910/callback")
            .build()
            .unwrap();
        assert!(
            rustls::crypto::CryptoProvider::get_default().is_none(),
            "nothing process-wide"
        );
        let error = client.categories(1).await.unwrap_err();
        assert!(matches!(error, crate::Error::Transport(_)), "{error:?}");
    }
}
