//! egui views, one per file. Views read `AppState`, edit their drafts in it
//! and push `Command`s; they never touch the network, files or tokio.

pub mod accounts;
pub mod chat;
pub mod settings;
pub mod toasts;
pub mod top_bar;
pub mod traffic;
pub mod verify;

use std::path::PathBuf;

use egui::{Color32, Response, RichText, TextEdit, Ui};

use crate::app::chats::ThreadKey;
use crate::app::state::{AppState, View};
use crate::engine::command::{Command, ExportFormat};

/// A file dialog to open, with what its answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogRequest {
    /// An image to send as the customer of this thread.
    Image(ThreadKey),
    /// Where to write these traffic entries.
    Export(ExportFormat, Vec<i64>),
}

/// A finished dialog: the request's context and the chosen path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogAnswer {
    Image(ThreadKey, PathBuf),
    Export(ExportFormat, Vec<i64>, PathBuf),
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
    pending: Option<DialogAnswer>,
}

impl FixedDialogs {
    /// Answers image pickers with `image` and export dialogs with `export` (None: cancelled).
    pub fn new(image: Option<PathBuf>, export: Option<PathBuf>) -> Self {
        Self { image, export, pending: None }
    }
}

impl Dialogs for FixedDialogs {
    fn open(&mut self, request: DialogRequest, _ctx: &egui::Context) {
        self.pending = match request {
            DialogRequest::Image(key) => self.image.clone().map(|p| DialogAnswer::Image(key, p)),
            DialogRequest::Export(format, ids) => self.export.clone().map(|p| DialogAnswer::Export(format, ids, p)),
        };
    }

    fn answer(&mut self) -> Option<DialogAnswer> {
        self.pending.take()
    }
}

/// Turns a finished dialog into the command it was opened for.
fn dialog_command(state: &AppState, answer: DialogAnswer) -> Command {
    match answer {
        DialogAnswer::Image((account, customer_id), path) => {
            Command::SendImage { env: state.env, account, customer_id, path }
        }
        DialogAnswer::Export(format, ids, path) => Command::ExportTraffic { path, format, ids },
    }
}

/// The whole window: top bar, side navigation, the current view, toasts.
pub fn app_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>, dialogs: &mut dyn Dialogs) {
    if let Some(answer) = dialogs.answer() {
        commands.push(dialog_command(state, answer));
    }
    egui::Panel::top("top_bar").show(ui, |ui| top_bar::top_bar_ui(ui, state));
    egui::Panel::left("side_nav").resizable(false).exact_size(120.0).show(ui, |ui| nav_ui(ui, state));
    egui::CentralPanel::default().show(ui, |ui| match state.view {
        View::Accounts => accounts::accounts_ui(ui, state, commands),
        View::Verify => verify::verify_ui(ui, state, commands),
        View::Chats => chat::chat_ui(ui, state, commands, dialogs),
        View::Traffic => traffic::traffic_ui(ui, state, commands, dialogs),
        View::Settings => settings::settings_ui(ui, state, commands),
    });
    toasts::toasts_ui(ui.ctx(), state);
}

fn nav_ui(ui: &mut Ui, state: &mut AppState) {
    ui.add_space(6.0);
    for view in View::ALL {
        let text = RichText::new(view.label()).size(15.0);
        if ui.add_sized([ui.available_width(), 28.0], egui::Button::selectable(state.view == view, text)).clicked() {
            state.view = view;
        }
    }
}

/// Colour for errors (readable on light and dark backgrounds).
pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

pub fn warn_color(ui: &Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode { Color32::from_rgb(100, 200, 120) } else { Color32::from_rgb(20, 130, 50) }
}

/// A labelled single-line input in a two-column `Grid`, with its error (if
/// any) on the next row. The label is the input's accessible name.
pub fn text_row(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    enabled: bool,
    password: bool,
    error: Option<&str>,
    highlight: bool,
) -> Response {
    let label_response = ui.label(label);
    let response = ui
        .scope(|ui| {
            if highlight || error.is_some() {
                let stroke = egui::Stroke::new(1.5, error_color(ui));
                let w = &mut ui.visuals_mut().widgets;
                w.inactive.bg_stroke = stroke;
                w.hovered.bg_stroke = stroke;
            }
            ui.add_enabled(enabled, TextEdit::singleline(value).password(password).desired_width(380.0))
        })
        .inner
        .labelled_by(label_response.id);
    ui.end_row();
    if let Some(error) = error {
        ui.label("");
        ui.add(egui::Label::new(RichText::new(error).color(error_color(ui))).wrap());
        ui.end_row();
    }
    response
}
