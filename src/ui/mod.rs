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

use crate::app::state::{AppState, View};
use crate::engine::command::{Command, ExportFormat};

/// File dialogs, behind a trait so tests never open one (rfd needs a desktop portal).
pub trait Dialogs {
    /// An image to send as the customer.
    fn pick_image(&mut self) -> Option<PathBuf>;
    /// Where to write a traffic export.
    fn save_export(&mut self, format: ExportFormat) -> Option<PathBuf>;
}

/// Native dialogs through rfd. They block the UI thread while open, which is
/// what a modal file dialog does anyway.
#[derive(Debug, Default)]
pub struct RfdDialogs;

impl Dialogs for RfdDialogs {
    fn pick_image(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new().add_filter("Images", &["png", "jpg", "jpeg", "gif", "webp"]).pick_file()
    }

    fn save_export(&mut self, format: ExportFormat) -> Option<PathBuf> {
        let ext = format.extension();
        rfd::FileDialog::new()
            .add_filter(ext.to_ascii_uppercase(), &[ext])
            .set_file_name(format!("genesys-traffic.{ext}"))
            .save_file()
    }
}

/// Dialogs that answer with fixed paths (tests, benchmarks): never opens a window.
#[derive(Debug, Default, Clone)]
pub struct FixedDialogs {
    pub image: Option<PathBuf>,
    pub export: Option<PathBuf>,
}

impl Dialogs for FixedDialogs {
    fn pick_image(&mut self) -> Option<PathBuf> {
        self.image.clone()
    }

    fn save_export(&mut self, _format: ExportFormat) -> Option<PathBuf> {
        self.export.clone()
    }
}

/// The whole window: top bar, side navigation, the current view, toasts.
pub fn app_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>, dialogs: &mut dyn Dialogs) {
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
