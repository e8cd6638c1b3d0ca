//! The real binary with a temp GENESYS_DESK_HOME and the 0600 file store.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLIENT_SECRET: &str = "cli-test-client-secret-7f3a9c";
const WEBHOOK_SECRET: &str = "cli-test-webhook-secret-51d2e8";
const CLIENT_ID: &str = "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f";
const INTEGRATION_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
        cmd.args(args)
            .env("GENESYS_DESK_HOME", self.dir.path())
            .env("GENESYS_DESK_SECRET_STORE", "file")
            .env_remove("GENESYS_CLIENT_SECRET")
            .env_remove("GENESYS_WEBHOOK_SECRET")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn add(&self, name: &str, extra: &[&str]) -> Output {
        let mut args = vec!["accounts", "add", name, "--host", "api.mypurecloud.ie", "--client-id", CLIENT_ID];
        args.extend_from_slice(&["--integration-id", INTEGRATION_ID]);
        args.extend_from_slice(extra);
        self.cmd(&args)
            .env("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
            .env("GENESYS_WEBHOOK_SECRET", WEBHOOK_SECRET)
            .output()
            .unwrap()
    }

    fn list_json(&self, env: &str) -> serde_json::Value {
        let out = self.run(&["accounts", "list", "--env", env, "--json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(files_under(&path)) } else { out.push(path) }
    }
    out
}

/// A home with the Emulator account plus "Acme Dev" (with a public base URL) and "Second".
fn home_with_two_accounts() -> Home {
    let home = Home::new();
    let out = home.add("Acme Dev", &["--public-webhook-base", "https://abc.trycloudflare.com/"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(CLIENT_SECRET) && !text(&out.stderr).contains(CLIENT_SECRET));
    let out = home.add("Second", &["--env", "DEVELOPMENT"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    home
}

#[test]
fn added_accounts_are_listed_in_json_and_as_a_table_without_secrets() {
    let home = home_with_two_accounts();
    // JSON listing, in a separate process from the adds.
    let doc = home.list_json("development");
    assert_eq!(doc["environment"], "development");
    assert_eq!(doc["read_only"], false);
    assert_eq!(doc["tier"], "two");
    assert_eq!(doc["secret_store"], "file");
    assert!(doc["warning"].as_str().unwrap().contains("0600"));
    let accounts = doc["accounts"].as_array().unwrap();
    let names: Vec<&str> = accounts.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Emulator", "Acme Dev", "Second"]);
    let acme = &accounts[1];
    assert_eq!(acme["host"], "mypurecloud.ie");
    assert_eq!(acme["region"], "eu-west-1");
    assert_eq!(acme["api_base"], "https://api.mypurecloud.ie");
    assert_eq!(acme["login_base"], "https://login.mypurecloud.ie");
    assert_eq!(acme["client_id"], CLIENT_ID);
    assert_eq!(acme["integration_id"], INTEGRATION_ID);
    assert_eq!(acme["webhook_secret_set"], true);
    assert_eq!(acme["public_webhook_base"], "https://abc.trycloudflare.com");
    assert_eq!(acme["webhook_path"], "/hooks/Acme%20Dev");
    assert_eq!(accounts[0]["region"], serde_json::Value::Null);
    assert_eq!(accounts[0]["api_base"], "http://127.0.0.1:8786");
    let json_text = doc.to_string();
    assert!(!json_text.contains(CLIENT_SECRET) && !json_text.contains(WEBHOOK_SECRET));

    // Live shows the same accounts, read-only.
    let live = home.list_json("live");
    assert_eq!(live["read_only"], true);
    assert_eq!(live["accounts"].as_array().unwrap().len(), 3);

    // Table mode prints the warning on stderr and no secret anywhere.
    let out = home.run(&["accounts", "list"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Acme Dev"));
    assert!(text(&out.stderr).contains("0600"), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(CLIENT_SECRET));
}

#[test]
fn a_bad_client_id_is_a_validation_error_naming_each_field() {
    let home = Home::new();
    // A bad client id is a validation error (exit 2) naming the field.
    let out = home
        .cmd(&["accounts", "add", "Bad2", "--host", "mypurecloud.ie", "--client-id", "not-a-uuid"])
        .args(["--integration-id", "1234"])
        .env("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("Client ID \"not-a-uuid\""), "{err}");
    // Each field on its own line.
    let client_line = err.lines().position(|l| l.contains("Client ID")).unwrap();
    let integration_line = err.lines().position(|l| l.contains("Integration ID")).unwrap();
    assert_ne!(client_line, integration_line);
}

#[test]
fn a_duplicate_name_is_refused_whatever_its_case() {
    let home = home_with_two_accounts();
    // A duplicate name, case-insensitive, is a validation error too.
    let out = home.add("acme DEV", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("already used"));
}

#[test]
fn the_sixth_account_of_an_environment_is_refused_naming_the_limit() {
    let home = home_with_two_accounts();
    assert!(home.add("Fourth", &[]).status.success());
    // Emulator, Acme Dev, Second, Fourth + one more = 5; the 6th is refused naming the limit.
    assert!(home.add("Fifth", &[]).status.success());
    let out = home.add("Sixth", &[]);
    assert_eq!(out.status.code(), Some(2), "a validation error, not a crash: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("limit"), "{}", text(&out.stderr));
    assert_eq!(home.list_json("development")["accounts"].as_array().unwrap().len(), 5);
}

#[test]
fn read_only_environments_and_the_other_tier_refuse_changes_naming_the_fix() {
    let home = home_with_two_accounts();
    // Read-only environments refuse add and remove, naming where to edit.
    let out = home.run(&["accounts", "remove", "Second", "--env", "live"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Switch to Development"), "{}", text(&out.stderr));
    let out = home.add("Seventh", &["--env", "live"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--env development"), "{}", text(&out.stderr));

    // An environment of the other tier is a usage error that says how to switch.
    let out = home.run(&["accounts", "list", "--env", "staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("set-tier three"), "{}", text(&out.stderr));
}

#[test]
fn remove_works_and_a_missing_name_fails() {
    let home = home_with_two_accounts();
    assert!(home.add("Fourth", &[]).status.success());
    // Remove works, and a missing name fails with exit 1.
    assert!(home.run(&["accounts", "remove", "fourth"]).status.success());
    assert_eq!(home.run(&["accounts", "remove", "fourth"]).status.code(), Some(1));
}

#[test]
fn secrets_are_only_in_the_0600_secrets_file() {
    let home = home_with_two_accounts();
    // Walk the whole home: the secret texts live only in the secrets file, mode 0600.
    let secrets_file = home.dir.path().join("config").join("secrets");
    assert!(secrets_file.exists());
    for file in files_under(home.dir.path()) {
        let bytes = fs::read(&file).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        if file == secrets_file {
            assert!(content.contains(CLIENT_SECRET) && content.contains(WEBHOOK_SECRET));
        } else {
            assert!(!content.contains(CLIENT_SECRET), "client secret leaked into {}", file.display());
            assert!(!content.contains(WEBHOOK_SECRET), "webhook secret leaked into {}", file.display());
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&secrets_file).unwrap().permissions().mode() & 0o777, 0o600);
        let config_dir = home.dir.path().join("config");
        assert_eq!(fs::metadata(config_dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

#[test]
fn add_without_a_secret_source_is_a_usage_error_naming_the_variable() {
    let home = Home::new();
    let out = home
        .cmd(&["accounts", "add", "NoSecret", "--host", "mypurecloud.ie", "--client-id", CLIENT_ID])
        .args(["--integration-id", INTEGRATION_ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("GENESYS_CLIENT_SECRET"), "{}", text(&out.stderr));
    // An empty secret from the environment is refused too.
    let out = home
        .cmd(&["accounts", "add", "Empty", "--host", "mypurecloud.ie", "--client-id", CLIENT_ID])
        .args(["--integration-id", INTEGRATION_ID])
        .env("GENESYS_CLIENT_SECRET", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Client secret is empty"), "{}", text(&out.stderr));
}

#[test]
fn three_tier_workspace_and_paths() {
    let home = Home::new();
    let out = home.run(&["accounts", "set-tier", "three"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(home.run(&["accounts", "set-tier", "four"]).status.code(), Some(2));

    // Default environment is now Staging; Sandbox keeps its own accounts.
    assert!(home.add("Stage", &[]).status.success());
    assert!(home.add("Sand", &["--env", "sandbox"]).status.success());
    let staging = home.list_json("staging");
    assert_eq!(staging["accounts"][0]["name"], "Stage");
    let production = home.list_json("production");
    assert_eq!(production["read_only"], true);
    assert_eq!(production["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(production["accounts"][0]["name"], "Stage");
    let sandbox = home.list_json("sandbox");
    assert_eq!(sandbox["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(sandbox["accounts"][0]["name"], "Sand");
    let out = home.run(&["accounts", "remove", "stage", "--env", "production"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Switch to Staging"));
    let out = home.run(&["accounts", "list", "--env", "development"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("set-tier two"));

    let out = home.run(&["paths"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let home_text = home.dir.path().display().to_string();
    for expected in ["accounts.json", "secrets", "history.sqlite3", "media", "secret store:  file"] {
        assert!(stdout.contains(expected), "{expected} missing in {stdout}");
    }
    assert!(stdout.lines().take(6).all(|l| l.contains(&home_text)), "{stdout}");
}

#[test]
fn one_bad_entry_is_named_once_and_the_others_are_listed() {
    let home = home_with_two_accounts();
    let file = home.dir.path().join("config").join("accounts.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    let dev = doc["accounts"]["development"].as_array_mut().unwrap();
    let second = dev.iter_mut().find(|a| a["name"] == "Second").unwrap();
    second["client_id"] = "not-a-client-id".into();
    fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();

    let out = home.run(&["accounts", "list", "--env", "development", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = listed["accounts"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Emulator", "Acme Dev"]);
    assert_eq!(listed["accounts"][1]["webhook_secret_set"], true);
    assert_eq!(listed["broken"][0]["name"], "Second");
    assert_eq!(listed["broken"][0]["field"], "client_id");
    let err = text(&out.stderr);
    assert_eq!(err.matches("\"Second\"").count(), 2, "named once (message + remove hint): {err}");
    assert_eq!(err.lines().filter(|l| l.contains("Second")).count(), 1, "{err}");
    assert!(err.contains("invalid client_id") && err.contains("accounts.json"), "{err}");
    assert!(err.contains("accounts remove \"Second\" --env development"), "{err}");

    // The table too.
    let out = home.run(&["accounts", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Acme Dev") && !text(&out.stdout).contains("Second"));
}
