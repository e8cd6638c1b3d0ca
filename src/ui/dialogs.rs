//! File dialogs behind a trait: the desktop's own (rfd), genesys-desk's own
//! drawn with egui when the desktop has none, fixed answers in tests and
//! benchmarks. Every request describes itself once ([`DialogSpec`]); both
//! real implementations read that description.

mod desktop;
mod in_app;
mod native;

use std::path::{Path, PathBuf};

pub use desktop::DesktopDialogs;
pub use in_app::InAppDialog;

use crate::app::chats::ThreadKey;
use crate::app::selection::Selection;
use crate::config::Environment;
use crate::engine::command::{Command, ExportFormat};

/// A file dialog to open, with what its answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogRequest {
    /// An image to send as the customer of this thread.
    Image(ThreadKey),
    /// Where to write these traffic entries.
    Export(ExportFormat, Vec<i64>),
    /// A scenario file to run.
    Scenario,
    /// A HAR file to import into Traffic.
    ImportHar,
    /// Where to write an environment's accounts.
    ExportAccounts(Environment),
    /// An accounts export to import.
    ImportAccounts,
}

/// A finished dialog: the request's context and the chosen path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogAnswer {
    Image(ThreadKey, PathBuf),
    Export(ExportFormat, Vec<i64>, PathBuf),
    Scenario(PathBuf),
    ImportHar(PathBuf),
    ExportAccounts(Environment, PathBuf),
    ImportAccounts(PathBuf),
}

/// What a dialog looks like: open or save, its title, the files it lists,
/// and the name a save dialog proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogSpec {
    pub save: bool,
    pub title: &'static str,
    pub filter_name: &'static str,
    pub extensions: &'static [&'static str],
    pub file_name: Option<String>,
}

impl DialogRequest {
    pub fn spec(&self) -> DialogSpec {
        let open = |title, filter_name, extensions| DialogSpec {
            save: false,
            title,
            filter_name,
            extensions,
            file_name: None,
        };
        match self {
            DialogRequest::Image(_) => open("Attach an image", "Images", &["png", "jpg", "jpeg", "gif", "webp"]),
            DialogRequest::Scenario => open("Run a scenario", "Scenarios (YAML)", &["yaml", "yml"]),
            DialogRequest::ImportHar => open("Import a HAR file", "HAR (HTTP Archive)", &["har", "json"]),
            DialogRequest::ImportAccounts => open("Import accounts", "JSON", &["json"]),
            DialogRequest::Export(format, _) => DialogSpec {
                save: true,
                title: if *format == ExportFormat::Har { "Export traffic as HAR" } else { "Export traffic as JSON" },
                filter_name: if *format == ExportFormat::Har { "HAR" } else { "JSON" },
                extensions: if *format == ExportFormat::Har { &["har"] } else { &["json"] },
                file_name: Some(format!("genesys-traffic.{}", format.extension())),
            },
            DialogRequest::ExportAccounts(_) => DialogSpec {
                save: true,
                title: "Export accounts (no secrets)",
                filter_name: "JSON",
                extensions: &["json"],
                file_name: Some("genesys-desk-accounts.json".into()),
            },
        }
    }

    /// The answer to this request with `path` chosen.
    pub fn answer(self, path: PathBuf) -> DialogAnswer {
        match self {
            DialogRequest::Image(key) => DialogAnswer::Image(key, path),
            DialogRequest::Export(format, ids) => DialogAnswer::Export(format, ids, path),
            DialogRequest::Scenario => DialogAnswer::Scenario(path),
            DialogRequest::ImportHar => DialogAnswer::ImportHar(path),
            DialogRequest::ExportAccounts(env) => DialogAnswer::ExportAccounts(env, path),
            DialogRequest::ImportAccounts => DialogAnswer::ImportAccounts(path),
        }
    }
}

impl DialogSpec {
    /// True when `path` has one of the listed extensions (case-insensitive).
    pub fn accepts(&self, path: &Path) -> bool {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        self.extensions.iter().any(|x| x.eq_ignore_ascii_case(ext))
    }

    /// A save path with the first listed extension added when it has none of them.
    pub fn with_extension(&self, path: PathBuf) -> PathBuf {
        match (self.save, self.accepts(&path), self.extensions.first()) {
            (true, false, Some(ext)) => {
                let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
                name.push(format!(".{ext}"));
                path.with_file_name(name)
            }
            _ => path,
        }
    }
}

/// File dialogs, behind a trait so tests never open a native one. Opening
/// returns at once; the answer is picked up on a later frame, so the window
/// keeps drawing while a dialog is open.
pub trait Dialogs {
    fn open(&mut self, request: DialogRequest, ctx: &egui::Context);
    /// The answer of a finished dialog, once.
    fn answer(&mut self) -> Option<DialogAnswer>;
    /// Draws a dialog the app draws itself (called once per frame).
    fn ui(&mut self, _ctx: &egui::Context) {}
    /// What went wrong with a dialog, for a toast, once.
    fn notice(&mut self) -> Option<String> {
        None
    }
}

/// Dialogs that answer at once with fixed paths (tests, benchmarks).
#[derive(Debug, Default)]
pub struct FixedDialogs {
    pub image: Option<PathBuf>,
    pub export: Option<PathBuf>,
    /// The answer to a scenario file picker (None: cancelled).
    pub scenario: Option<PathBuf>,
    /// The answer to a file picker for an import (None: cancelled).
    pub import: Option<PathBuf>,
    pending: Option<DialogAnswer>,
}

impl FixedDialogs {
    /// Answers image pickers with `image` and export dialogs with `export` (None: cancelled).
    pub fn new(image: Option<PathBuf>, export: Option<PathBuf>) -> Self {
        Self { image, export, scenario: None, import: None, pending: None }
    }
}

impl Dialogs for FixedDialogs {
    fn open(&mut self, request: DialogRequest, _ctx: &egui::Context) {
        let path = match &request {
            DialogRequest::Image(_) => self.image.clone(),
            DialogRequest::Export(..) | DialogRequest::ExportAccounts(_) => self.export.clone(),
            DialogRequest::Scenario => self.scenario.clone(),
            DialogRequest::ImportHar | DialogRequest::ImportAccounts => self.import.clone(),
        };
        self.pending = path.map(|p| request.answer(p));
    }

    fn answer(&mut self) -> Option<DialogAnswer> {
        self.pending.take()
    }
}

/// Turns a finished dialog into the command it was opened for (none for a
/// scenario file: the Runs view takes that path).
pub(crate) fn dialog_command(selection: &Selection, answer: DialogAnswer) -> Option<Command> {
    Some(match answer {
        DialogAnswer::Image(ThreadKey { account, customer_id }, path) => {
            Command::SendImage { env: selection.env, account, customer_id, path }
        }
        DialogAnswer::Export(format, ids, path) => Command::ExportTraffic { path, format, ids },
        DialogAnswer::Scenario(_) => return None,
        DialogAnswer::ImportHar(path) => Command::ImportHar(path),
        DialogAnswer::ExportAccounts(env, path) => Command::ExportAccounts { env, path },
        DialogAnswer::ImportAccounts(path) => Command::ReadAccountsFile(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_path_gets_the_extension_it_lacks() {
        let spec = DialogRequest::Export(ExportFormat::Har, vec![]).spec();
        assert_eq!(spec.with_extension("/t/out".into()), PathBuf::from("/t/out.har"));
        assert_eq!(spec.with_extension("/t/out.HAR".into()), PathBuf::from("/t/out.HAR"));
        let open = DialogRequest::ImportHar.spec();
        assert!(open.accepts(Path::new("x.json")) && !open.accepts(Path::new("x.txt")));
        assert_eq!(open.with_extension("/t/x.txt".into()), PathBuf::from("/t/x.txt"), "open dialogs keep the path");
    }
}
