use super::*;

#[test]
fn image_refs_guess_mime_and_media_type() {
    let i = ImageRef::from_url("https://x.example/media/cat.png").unwrap();
    assert_eq!(i.mime, "image/png");
    assert_eq!(i.media_type(), "Image");
    assert_eq!(i.filename.as_deref(), Some("cat.png"));
    assert!(ImageRef::from_url("/tmp/cat.png").is_err());
    assert!(ImageRef::from_url("ftp://x.example/a.png").is_err());
}

#[test]
fn the_token_goes_only_to_the_accounts_own_hosts() {
    let mut draft = crate::config::defaults::emulator_account_draft();
    draft.host = "mypurecloud.ie".into();
    let c = Client::new(&draft.parse().unwrap(), ClientOptions::default(), None).unwrap();
    assert!(c.is_token_host("https://api.mypurecloud.ie/api/v2/downloads/x"));
    assert!(c.is_token_host("https://api-downloads.mypurecloud.ie/x"));
    assert!(!c.is_token_host("https://api.mypurecloud.ie.evil.example/x"));
    assert!(!c.is_token_host("http://api.mypurecloud.ie/x"), "never over plain http");
    assert!(!c.is_token_host("https://api.mypurecloud.com/x"), "another region is another org");
    assert!(!c.is_token_host("https://cdn.example.com/a.png"));
    let emu = crate::config::defaults::emulator_account_draft().parse().unwrap();
    let c = Client::new(&emu, ClientOptions::default(), None).unwrap();
    assert!(c.is_token_host("http://127.0.0.1:8786/api/v2/downloads/x"));
    assert!(!c.is_token_host("http://127.0.0.1:9999/x"), "another port is another server");
}

#[test]
fn default_options_are_the_documented_ones() {
    let o = ClientOptions::default();
    assert_eq!(o.connect_timeout, Duration::from_secs(10));
    assert_eq!(o.request_timeout, Duration::from_secs(30));
    assert_eq!(o.max_retries, 3);
    assert_eq!(o.default_retry_after, Duration::from_secs(3));
}

#[test]
fn client_debug_hides_the_secret() {
    let account = crate::config::defaults::emulator_account_draft().parse().unwrap();
    let c = Client::new(&account, ClientOptions::default(), None).unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains(crate::config::defaults::EMULATOR_CLIENT_SECRET), "{text}");
}
