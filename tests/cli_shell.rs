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
