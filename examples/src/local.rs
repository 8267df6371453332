//! The client the runnable examples use: a real GLAIR when configured, else an emulator
//! started in this process.

use glair::Client;
use glair_emulator::{Emulator, EmulatorConfig};

/// A client from the environment when `GLAIR_BASE_URL` is set (with `GLAIR_API_KEY`,
/// `GLAIR_USERNAME`, `GLAIR_PASSWORD`); otherwise a `glair-emulator` started on 127.0.0.1 and
/// a client pointed at it. Keep the returned emulator alive as long as the client is used.
pub async fn client_from_env_or_emulator()
-> Result<(Client, Option<Emulator>), Box<dyn std::error::Error + Send + Sync>> {
    if std::env::var_os("GLAIR_BASE_URL").is_some() {
        return Ok((Client::from_env()?, None));
    }
    let emulator = Emulator::start(EmulatorConfig::new()).await?;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_key(emulator.api_key())
        .username(emulator.username())
        .password(emulator.password())
        .build()?;
    Ok((client, Some(emulator)))
}
