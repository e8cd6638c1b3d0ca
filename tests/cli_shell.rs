//! `--version` names the commit; completions and the man page come from the
//! command definition, so they list every subcommand.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk")).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn version_names_the_version_and_the_commit() {
    let version = run(&["--version"]);
    assert!(version.starts_with(&format!("genesys-desk {} (commit ", env!("CARGO_PKG_VERSION"))), "{version}");
}

#[test]
fn completions_and_the_man_page_cover_every_subcommand() {
    let bash = run(&["completions", "bash"]);
    let zsh = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef genesys-desk"), "{zsh}");
    let man = run(&["man"]);
    assert!(man.contains(".TH genesys-desk 1"), "{man}");
    for sub in ["accounts", "verify", "send", "listen", "scenario", "deliver", "integration", "emulator", "completions"]
    {
        assert!(bash.contains(sub), "bash completions lack {sub}");
        assert!(man.contains(sub), "the man page lacks {sub}");
    }
}

/// Commands whose output is not data to parse, or is already a fixed format.
const NO_JSON: [(&str, &str); 12] = [
    ("completions", "prints a shell script"),
    ("man", "prints roff"),
    ("accounts add", "a confirmation; `accounts list --json` shows the result"),
    ("accounts remove", "a confirmation"),
    ("accounts set-events", "a confirmation"),
    ("accounts set-tier", "a confirmation"),
    ("accounts export", "its output is JSON"),
    ("accounts import", "a confirmation"),
    ("traffic export", "writes HAR or JSON"),
    ("traffic import", "a confirmation"),
    ("integration set-webhook", "a confirmation; `integration show --json` shows the result"),
    ("integration rotate-secret", "a confirmation"),
];

fn leaves(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, bool)>) {
    for sub in cmd.get_subcommands() {
        let name = if prefix.is_empty() { sub.get_name().to_string() } else { format!("{prefix} {}", sub.get_name()) };
        if sub.has_subcommands() {
            leaves(sub, &name, out);
        } else {
            out.push((name, sub.get_arguments().any(|a| a.get_id() == "json")));
        }
    }
}

#[test]
fn every_command_that_prints_data_has_json() {
    use clap::CommandFactory as _;
    let mut all = Vec::new();
    leaves(&genesys_desk::cli::Cli::command(), "", &mut all);
    let missing: Vec<&String> =
        all.iter().filter(|(name, json)| !json && !NO_JSON.iter().any(|(n, _)| n == name)).map(|(n, _)| n).collect();
    assert!(missing.is_empty(), "commands without --json: {missing:?}");
    for (name, _) in NO_JSON {
        assert!(all.iter().any(|(n, _)| n == name), "{name} is listed but does not exist");
    }
}

#[test]
fn no_color_turns_colours_off_even_when_forced() {
    let stderr = |no_color: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
        cmd.args(["--bogus"]).env("CLICOLOR_FORCE", "1").env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty(), "errors go to stderr only");
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(stderr(false).contains('\u{1b}'), "forced colours are on without NO_COLOR");
    let plain = stderr(true);
    assert!(!plain.contains('\u{1b}') && plain.starts_with("error: unexpected argument '--bogus'"), "{plain:?}");
}
