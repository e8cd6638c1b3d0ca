//! `accounts export|import` through the real binary: a round trip keeps every
//! field but the secrets (read back from the variables the file names), the
//! file holds no secret, and names already used are refused with nothing saved.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{Account, AccountDraft, AccountStore, Environment, Paths};

const CLIENT_ID: &str = "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f";
const INTEGRATION_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn store(home: &Path) -> AccountStore {
    let paths = Paths::under(home);
    AccountStore::open_with_secrets(&paths, Secrets::open_with(&paths, SecretStoreChoice::File).unwrap()).unwrap()
}

fn draft(name: &str, host: &str, webhook_secret: &str) -> AccountDraft {
    AccountDraft {
        name: name.into(),
        host: host.into(),
        client_id: CLIENT_ID.into(),
        client_secret: format!("client-secret-of-{name}-0x51"),
        integration_id: INTEGRATION_ID.into(),
        webhook_secret: webhook_secret.into(),
        public_webhook_base: String::new(),
        accept_unsigned: false,
        events_off: false,
    }
}

/// A home with three accounts whose fields differ in every way a file can carry.
fn source_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let mut s = store(home.path());
    let mut acme = draft("Acme Dev", "https://apps.mypurecloud.ie/", "webhook-secret-of-acme-0x52");
    acme.public_webhook_base = "https://abc.trycloudflare.com".into();
    let mut quiet = draft("Quiet", "api.usw2.pure.cloud", "");
    quiet.events_off = true;
    quiet.accept_unsigned = true;
    let local = draft("Émile local", "http://127.0.0.1:8786", "webhook-secret-of-emile-0x53");
    for d in [&acme, &quiet, &local] {
        s.save(Environment::Development, None, d).unwrap();
    }
    home
}

fn cli(home: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
    cmd.arg("--home").arg(home).args(args).env("GENESYS_DESK_SECRET_STORE", "file").stdin(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn without_secrets(mut a: Account) -> Account {
    a.client_secret = Default::default();
    a.webhook_secret = a.webhook_secret.map(|_| Default::default());
    a
}

#[test]
fn export_then_import_keeps_every_field_and_reads_secrets_from_the_named_variables() {
    let source = source_home();
    let file = source.path().join("team-setup.json");
    let out = cli(source.path(), &["accounts", "export", "-o", file.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("0x5"), "no secret in the export: {text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["accounts"][0]["client_secret_env"], "GENESYS_DESK_ACME_DEV_CLIENT_SECRET");
    assert!(doc["accounts"][1].get("webhook_secret_env").is_none(), "Quiet has no webhook secret: {text}");

    let target = tempfile::tempdir().unwrap();
    let vars = [
        ("GENESYS_DESK_ACME_DEV_CLIENT_SECRET", "imported-acme-client"),
        ("GENESYS_DESK_ACME_DEV_WEBHOOK_SECRET", "imported-acme-webhook"),
        ("GENESYS_DESK_QUIET_CLIENT_SECRET", "imported-quiet-client"),
        ("GENESYS_DESK_MILE_LOCAL_CLIENT_SECRET", "imported-emile-client"),
        ("GENESYS_DESK_MILE_LOCAL_WEBHOOK_SECRET", "imported-emile-webhook"),
    ];
    let out = cli(target.path(), &["accounts", "import", file.to_str().unwrap()], &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let shared = |home: &Path| -> Vec<Account> {
        let all = store(home).accounts(Environment::Development).unwrap();
        all.into_iter().filter(|a| a.name != "Emulator").collect()
    };
    let (before, after) = (shared(source.path()), shared(target.path()));
    assert_eq!(after.len(), 3, "the built-in Emulator account is not exported unless named");
    assert_eq!(
        after.iter().cloned().map(without_secrets).collect::<Vec<_>>(),
        before.into_iter().map(without_secrets).collect::<Vec<_>>(),
        "every field but the secrets survives the round trip"
    );
    assert_eq!(after[0].client_secret.expose(), "imported-acme-client");
    assert_eq!(after[0].webhook_secret.as_ref().unwrap().expose(), "imported-acme-webhook");
    assert_eq!(after[1].webhook_secret, None);
    assert_eq!(after[2].webhook_secret.as_ref().unwrap().expose(), "imported-emile-webhook");
}

#[test]
fn an_import_with_a_name_already_used_is_refused_and_saves_nothing() {
    let source = source_home();
    let file = source.path().join("setup.json");
    assert!(cli(source.path(), &["accounts", "export", "quiet", "-o", file.to_str().unwrap()], &[]).status.success());
    let target = tempfile::tempdir().unwrap();
    store(target.path()).save(Environment::Development, None, &draft("QUIET", "mypurecloud.com", "")).unwrap();
    let out = cli(
        target.path(),
        &["accounts", "import", file.to_str().unwrap()],
        &[("GENESYS_DESK_QUIET_CLIENT_SECRET", "x-secret")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"Quiet\" already in Development") && err.contains("nothing imported"), "{err}");
    let names: Vec<String> = store(target.path()).names(Environment::Development);
    assert_eq!(names, vec!["Emulator".to_string(), "QUIET".to_string()]);
}

#[test]
fn a_missing_secret_variable_is_named_and_nothing_is_saved() {
    let source = source_home();
    let file = source.path().join("setup.json");
    assert!(cli(source.path(), &["accounts", "export", "-o", file.to_str().unwrap()], &[]).status.success());
    let target = tempfile::tempdir().unwrap();
    let out = cli(
        target.path(),
        &["accounts", "import", file.to_str().unwrap()],
        &[("GENESYS_DESK_ACME_DEV_CLIENT_SECRET", "a")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("set GENESYS_DESK_ACME_DEV_WEBHOOK_SECRET"), "{err}");
    assert_eq!(store(target.path()).names(Environment::Development), vec!["Emulator".to_string()]);
}

#[cfg(unix)]
#[test]
fn an_export_leaves_the_chosen_folder_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let source = source_home();
    let downloads = source.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    std::fs::set_permissions(&downloads, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = downloads.join("team.json");
    assert!(cli(source.path(), &["accounts", "export", "-o", file.to_str().unwrap()], &[]).status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&downloads), 0o755, "the user's folder is not made private");
    assert_eq!(mode(&file), 0o644, "a setup without secrets can be shared");
}
