//! File dialogs behind a trait: native ones through rfd in the app, fixed
//! answers in tests and benchmarks.

use std::path::PathBuf;

use crate::app::chats::ThreadKey;
use crate::app::selection::Selection;
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
    ExportAccounts(crate::config::Environment),
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
    ExportAccounts(crate::config::Environment, PathBuf),
    ImportAccounts(PathBuf),
}

/// File dialogs, behind a trait so tests never open one (rfd needs a desktop
/// portal). Opening returns at once; the answer is picked up on a later frame,
/// so the window keeps drawing while a dialog is open.
pub trait Dialogs {
    fn open(&mut self, request: DialogRequest, ctx: &egui::Context);
    /// The answer of a finished dialog, once.
    fn answer(&mut self) -> Option<DialogAnswer>;
}

/// Native dialogs through rfd, awaited on their own thread.
#[derive(Debug)]
pub struct RfdDialogs {
    tx: std::sync::mpsc::Sender<DialogAnswer>,
    rx: std::sync::mpsc::Receiver<DialogAnswer>,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Default for RfdDialogs {
    fn default() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        Self { tx, rx, open: Default::default() }
    }
}

impl Dialogs for RfdDialogs {
    fn open(&mut self, request: DialogRequest, ctx: &egui::Context) {
        use std::sync::atomic::Ordering;
        // One dialog at a time, as with a modal dialog.
        if self.open.swap(true, Ordering::SeqCst) {
            return;
        }
        let (tx, ctx, open) = (self.tx.clone(), ctx.clone(), self.open.clone());
        let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let answer = match request {
                DialogRequest::Image(key) => pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("Images", &["png", "jpg", "jpeg", "gif", "webp"])
                        .pick_file(),
                )
                .map(|file| DialogAnswer::Image(key, file.path().to_path_buf())),
                DialogRequest::Export(format, ids) => {
                    let ext = format.extension();
                    pollster::block_on(
                        rfd::AsyncFileDialog::new()
                            .add_filter(ext.to_ascii_uppercase(), &[ext])
                            .set_file_name(format!("genesys-traffic.{ext}"))
                            .save_file(),
                    )
                    .map(|file| DialogAnswer::Export(format, ids, file.path().to_path_buf()))
                }
                DialogRequest::Scenario => pollster::block_on(
                    rfd::AsyncFileDialog::new().add_filter("Scenarios (YAML)", &["yaml", "yml"]).pick_file(),
                )
                .map(|file| DialogAnswer::Scenario(file.path().to_path_buf())),
                DialogRequest::ImportHar => pollster::block_on(
                    rfd::AsyncFileDialog::new().add_filter("HAR (HTTP Archive)", &["har", "json"]).pick_file(),
                )
                .map(|file| DialogAnswer::ImportHar(file.path().to_path_buf())),
                DialogRequest::ExportAccounts(env) => pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("JSON", &["json"])
                        .set_file_name("genesys-desk-accounts.json")
                        .save_file(),
                )
                .map(|file| DialogAnswer::ExportAccounts(env, file.path().to_path_buf())),
                DialogRequest::ImportAccounts => {
                    pollster::block_on(rfd::AsyncFileDialog::new().add_filter("JSON", &["json"]).pick_file())
                        .map(|file| DialogAnswer::ImportAccounts(file.path().to_path_buf()))
                }
            };
            if let Some(answer) = answer {
                let _ = tx.send(answer);
            }
            open.store(false, Ordering::SeqCst);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            self.open.store(false, Ordering::SeqCst);
            tracing::warn!("cannot open a file dialog: {e}");
        }
    }

    fn answer(&mut self) -> Option<DialogAnswer> {
        self.rx.try_recv().ok()
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
        self.pending = match request {
            DialogRequest::Image(key) => self.image.clone().map(|p| DialogAnswer::Image(key, p)),
            DialogRequest::Export(format, ids) => self.export.clone().map(|p| DialogAnswer::Export(format, ids, p)),
            DialogRequest::Scenario => self.scenario.clone().map(DialogAnswer::Scenario),
            DialogRequest::ImportHar => self.import.clone().map(DialogAnswer::ImportHar),
            DialogRequest::ExportAccounts(env) => self.export.clone().map(|p| DialogAnswer::ExportAccounts(env, p)),
            DialogRequest::ImportAccounts => self.import.clone().map(DialogAnswer::ImportAccounts),
        };
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
