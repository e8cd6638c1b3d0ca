//! Captures every log line (tracing at TRACE, plus `log` records from
//! dependencies) of a verify + send run and checks that neither the client
//! secret nor the access token appears. One test per binary: the subscriber
//! is global.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genesys_desk::config::defaults;
use genesys_desk::emulator::EmulatorConfig;
use genesys_desk::emulator::agent::wait_for_deliveries;
use genesys_desk::genesys::{Client, Customer, InboundMessage, verify};
use support::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_secret_or_token_in_any_log_line() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber in this test binary");

    let runtime = genesys_desk::runtime::build().unwrap();
    let tokens = runtime.block_on(async {
        let mut hook = start_hook(200).await;
        let emu = start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), ..fast_config() }).await;
        let account = account_for(&emu.url());
        let report = verify::run(&account, fast_options(), true, |_| {}).await;
        assert!(report.ok(), "{}", report.to_text("t"));

        let client = Client::new(&account, fast_options(), None).unwrap();
        let sent =
            client.send_message(&InboundMessage::text(Customer::new("jane@example.com"), "hello")).await.unwrap();
        // An expired token and a retry log too.
        emu.faults().expire_token_once();
        client.send_typing(&Customer::new("jane@example.com")).await.unwrap();
        let deliveries = wait_for_deliveries(emu.state(), 2, Duration::from_secs(5)).await;
        assert_eq!(deliveries.len(), 2);
        hook.next(Duration::from_secs(1)).await;
        assert!(!sent.id.is_empty());

        // Every token the emulator issued in this run, read back from a raw call.
        let token = emulator_token(&emu).await;
        emu.shutdown().await;
        token
    });

    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("genesys request"), "the capture works: {text}");
    assert!(text.contains("emulator request"), "the capture works: {text}");
    assert!(!text.contains(defaults::EMULATOR_CLIENT_SECRET), "client secret in logs");
    assert!(!text.contains(defaults::EMULATOR_WEBHOOK_SECRET), "webhook secret in logs");
    // Emulator tokens look like emu-<32 hex>; none may appear in the logs.
    assert!(tokens.starts_with("emu-"));
    assert!(!text.contains(&tokens));
    assert!(!text.contains("emu-"), "an access token is in the logs");
    let basic = base64_basic();
    assert!(!text.contains(&basic), "Basic credentials in logs");
}

fn base64_basic() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        defaults::EMULATOR_CLIENT_ID,
        defaults::EMULATOR_CLIENT_SECRET
    ))
}
