//! History safety: disk full is said as such, the history and media are
//! private to the user, and the history cap prunes oldest rows first.

use genesys_desk::storage::Error;

#[test]
fn disk_full_is_reported_as_disk_full_not_damage() {
    let full = || rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
    let text = Error::from(full()).to_string();
    assert!(text.contains("disk") && text.contains("full"), "{text}");
    assert!(text.contains("free disk space"), "names the fix: {text}");
    assert!(!text.contains("malformed") && !text.contains("query failed"), "{text}");
    let named = Error::from(full()).at_path(Some("/data/history.sqlite3")).to_string();
    assert!(named.contains("/data/history.sqlite3"), "names the file: {named}");
    let commit = Error::commit(std::sync::Arc::new(full()), Some("/data/history.sqlite3")).to_string();
    assert!(commit.contains("is full") && commit.contains("/data/history.sqlite3"), "{commit}");
    // Any other failure keeps its own message.
    let other = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT), None);
    assert!(!Error::from(other).to_string().contains("is full"));
}

#[cfg(unix)]
#[tokio::test]
async fn history_and_media_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let path = data.join("history.sqlite3");
    let writer = genesys_desk::storage::Writer::spawn(genesys_desk::storage::Db::open(&path).unwrap()).unwrap();
    // A write so the -wal and -shm files exist.
    let entry =
        genesys_desk::model::TrafficEntry::new(genesys_desk::model::Direction::Incoming, "A", "POST", "/hooks/A");
    writer.insert_traffic(entry).await.unwrap();
    assert_eq!(mode(&data), 0o700, "data folder");
    for suffix in ["", "-wal", "-shm"] {
        let file = data.join(format!("history.sqlite3{suffix}"));
        assert!(file.exists(), "{} exists", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let original = home.path().join("photo.png");
    std::fs::write(&original, b"\x89PNG").unwrap();
    std::fs::set_permissions(&original, std::fs::Permissions::from_mode(0o644)).unwrap();
    let media = genesys_desk::webhook::MediaStore::load(data.join("media"), Some(writer.clone())).await.unwrap();
    let id = media.register(&original).await.unwrap();
    assert_eq!(mode(&data.join("media")), 0o700, "media folder");
    assert_eq!(mode(&media.path(&id.0).unwrap()), 0o600, "media file");
}
