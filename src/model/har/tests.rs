use super::*;

fn sample() -> Vec<TrafficEntry> {
    let mut token =
        TrafficEntry::new(Direction::Outgoing, "Acme Dev", "POST", "https://login.mypurecloud.ie/oauth/token");
    token.status = Some(200);
    token.latency_us = Some(420);
    token.correlation_id = Some("c0ffee".into());
    token.request_headers = vec![("Authorization".into(), "Basic ***".into())];
    token.request_body = "grant_type=client_credentials".into();
    token.response_body = r#"{"access_token":"***","expires_in":86399}"#.into();
    let mut hook = TrafficEntry::new(Direction::Incoming, "Acme Dev", "POST", "/hooks/Acme%20Dev");
    hook.status = Some(401);
    hook.latency_us = Some(1_234_567);
    hook.verdict = Some(SignatureVerdict::Invalid);
    hook.explanation = Some("signed with a trailing newline".into());
    hook.request_headers = vec![("X-Hub-Signature-256".into(), "sha256=ab".into())];
    hook.request_body = r#"{"id":"m1","text":"héllo"}"#.into();
    let mut dead = TrafficEntry::new(Direction::Outgoing, "Live", "GET", "https://api.mypurecloud.ie/api/v2/x");
    dead.error = Some("connection refused".into());
    vec![token, hook, dead]
}

#[test]
fn an_export_imports_back_with_the_same_rows_marked_imported() {
    let entries = sample();
    let text = serde_json::to_string_pretty(&to_har(&entries)).unwrap();
    let back = from_har(&text).unwrap();
    let expected: Vec<TrafficEntry> = entries.into_iter().map(|e| TrafficEntry { imported: true, ..e }).collect();
    assert_eq!(back, expected);
}

#[test]
fn another_tools_har_imports_as_outgoing_calls_with_secrets_redacted() {
    let text = r#"{"log":{"version":"1.2","creator":{"name":"Postman","version":"11"},"entries":[{
        "startedDateTime":"2026-11-28T09:15:02.120+01:00","time":12.5,
        "request":{"method":"GET","url":"https://api.mypurecloud.ie/api/v2/users/me",
            "headers":[{"name":"Authorization","value":"Bearer eyJreal-token"}]},
        "response":{"status":200,"statusText":"OK","headers":[{"name":"ININ-Correlation-Id","value":"abc"}],
            "content":{"mimeType":"application/json","encoding":"base64","text":"eyJuYW1lIjoiQWRhIn0="}}}]}}"#;
    let rows = from_har(text).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.direction, row.account.as_str(), row.imported), (Direction::Outgoing, "Postman", true));
    assert_eq!(row.latency_us, Some(12_500));
    assert_eq!(row.request_headers, vec![("Authorization".to_string(), "Bearer ***".to_string())]);
    assert_eq!(row.response_body, r#"{"name":"Ada"}"#);
    assert_eq!(row.correlation_id.as_deref(), Some("abc"));
    assert_eq!(row.at.offset().whole_hours(), 1);
}

#[test]
fn a_broken_file_names_the_entry_and_field() {
    assert!(from_har("{").unwrap_err().starts_with("not a HAR file"));
    let text =
        r#"{"log":{"entries":[{"startedDateTime":"yesterday","request":{"method":"GET","url":"x"},"response":{}}]}}"#;
    let err = from_har(text).unwrap_err();
    assert!(err.starts_with("entry 1: startedDateTime \"yesterday\""), "{err}");
}

#[test]
fn rows_of_a_file_without_creator_get_a_plain_account() {
    let text = r#"{"log":{"entries":[{"startedDateTime":"2026-11-28T09:15:02Z","request":{"method":"GET","url":"https://x/"},"response":{"status":204}}]}}"#;
    let rows = from_har(text).unwrap();
    assert_eq!((rows[0].account.as_str(), rows[0].status, rows[0].latency_us), (FOREIGN_ACCOUNT, Some(204), None));
}
