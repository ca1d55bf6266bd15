//! The example service's HTTP API as a Lambda function behind API Gateway (HTTP API)
//! or a function URL: the same axum router, run by `lambda_http`. The client is made
//! once per execution environment, outside the handler, so warm invocations reuse its
//! connections.
//!
//! Built in CI (`cargo build -p dynamap-example-lambda`); deploy with cargo-lambda
//! (`cargo lambda build --release -p dynamap-example-lambda --bin api`). Settings:
//! `SERVICE_TABLE` (default `app`) and `SERVICE_CURSOR_SECRET` (64 hex digits, the
//! same in every instance, so cursors work across them).

use dynamap_example_service::{router, AppState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt().without_time().init(); // CloudWatch stamps each line
    let table = std::env::var("SERVICE_TABLE").unwrap_or_else(|_| "app".to_owned());
    let secret = cursor_secret(&std::env::var("SERVICE_CURSOR_SECRET")?)?;
    let client = dynamap::connect().await?;
    lambda_http::run(router(AppState::new(client, &table, secret))).await
}

fn cursor_secret(hex: &str) -> Result<dynamap::reads::TokenSecret, lambda_http::Error> {
    let mut secret = [0u8; 32];
    if hex.len() != 64 {
        return Err("SERVICE_CURSOR_SECRET: expected 64 hex digits".into());
    }
    for (byte, pair) in secret.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair)?, 16)?;
    }
    Ok(secret)
}
