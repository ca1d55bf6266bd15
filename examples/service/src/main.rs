//! Runs the service. On AWS when `AWS_REGION` is set (the table `SERVICE_TABLE`, default
//! `app`, must exist); otherwise on a local server dynamap starts (the embedded one,
//! or the one `DYNAMAP_SERVER` / `DYNAMAP_ENDPOINT` name), with the table created.
//!
//! `cargo run -p dynamap-example-service` then
//! `curl -X POST localhost:3000/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada"}'`.

use dynamap::aws_sdk_dynamodb::Client;
use dynamap::reads::TokenSecret;
use dynamap_example_service::{router, AppState};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let table = std::env::var("SERVICE_TABLE").unwrap_or_else(|_| "app".to_owned());
    let (client, local_server) = if std::env::var_os("AWS_REGION").is_some() {
        (dynamap::connect().await?, None)
    } else {
        let (client, server) = local_server().await?;
        (client, Some(server))
    };
    let state = AppState::new(client, &table, cursor_secret()?);
    // The local server lives as long as `local_server` (to the end of main).
    if local_server.is_some() {
        state.table().ensure_table().await?;
    }
    let address = std::env::var("SERVICE_ADDRESS").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    tracing::info!(address = %listener.local_addr()?, table, "listening");
    axum::serve(listener, router(state)).await?;
    Ok(())
}

/// A client of a local server, and the server (it stops when dropped).
#[cfg(feature = "local-server")]
async fn local_server() -> Result<(Client, Box<dyn std::any::Any>), Box<dyn std::error::Error>> {
    let server = dynamap::local::LocalServer::from_env()?;
    tracing::info!(kind = %server.kind(), endpoint = server.endpoint(), "local DynamoDB");
    Ok((server.client().await?, Box::new(server)))
}

#[cfg(not(feature = "local-server"))]
async fn local_server() -> Result<(Client, Box<dyn std::any::Any>), Box<dyn std::error::Error>> {
    Err("built without the `local-server` feature: set AWS_REGION to run on AWS".into())
}

/// `SERVICE_CURSOR_SECRET` (64 hex digits); without it a random one, so cursors do not
/// outlive the process.
fn cursor_secret() -> Result<TokenSecret, Box<dyn std::error::Error>> {
    let mut secret = [0u8; 32];
    match std::env::var("SERVICE_CURSOR_SECRET") {
        Ok(hex) if hex.len() == 64 => {
            for (byte, pair) in secret.iter_mut().zip(hex.as_bytes().chunks(2)) {
                *byte = u8::from_str_radix(std::str::from_utf8(pair)?, 16)?;
            }
        }
        Ok(_) => return Err("SERVICE_CURSOR_SECRET: expected 64 hex digits".into()),
        Err(_) => {
            let random = *uuid::Uuid::new_v4().as_bytes();
            secret[..16].copy_from_slice(&random);
            secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        }
    }
    Ok(secret)
}
