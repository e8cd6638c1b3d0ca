//! egui views. Each view is a `*View` struct that owns what the user is
//! typing or has open in it, and draws itself with
//! `ui(&mut self, ui, &AppState, &mut Selection, &mut Vec<Command>)`: it reads
//! what the engine reported, may change the shared selection, and pushes
//! `Command`s; it never touches the network, files or tokio. Views see each
//! engine event (`on_event`) before the state applies it, to update drafts.

pub mod accounts;
pub mod agent_knobs;
pub mod as_genesys;
pub mod chat;
pub mod dialogs;
pub mod fault;
pub mod form;
pub mod runs;
pub mod settings;
pub mod signature_lab;
pub mod support;
pub mod toasts;
pub mod top_bar;
pub mod traffic;
pub mod tunnel;
pub mod verify;

use egui::{Color32, RichText, Ui};

use crate::app::selection::{Selection, View};
use crate::app::state::AppState;
use crate::engine::command::{Command, Event};
pub use dialogs::{DesktopDialogs, DialogAnswer, DialogRequest, Dialogs, FixedDialogs};
pub use form::{FormRow, error_color};

/// All views of the window.
#[derive(Debug, Default)]
pub struct Views {
    pub accounts: accounts::AccountsView,
    pub verify: verify::VerifyView,
    pub chat: chat::ChatView,
    pub traffic: traffic::TrafficView,
    pub runs: runs::RunsView,
    pub signature_lab: signature_lab::SignatureLabView,
    pub as_genesys: as_genesys::AsGenesysView,
    pub settings: settings::SettingsView,
    pub toasts: toasts::ToastsView,
    pub crash_offer: support::CrashOfferView,
}

impl Views {
    /// The whole window: top bar, side navigation, the current view, toasts.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
    ) {
        if let Some(answer) = dialogs.answer() {
            if let DialogAnswer::Scenario(path) = &answer {
                self.runs.path = path.display().to_string();
            }
            commands.extend(dialogs::dialog_command(selection, answer));
        }
        egui::Panel::top("top_bar").show(ui, |ui| top_bar::top_bar_ui(ui, state, selection));
        self.crash_offer.ui(ui, state, commands);
        egui::Panel::left("side_nav").resizable(false).exact_size(120.0).show(ui, |ui| nav_ui(ui, selection));
        egui::CentralPanel::default().show(ui, |ui| match selection.view {
            View::Accounts => self.accounts.ui(ui, state, selection, commands, dialogs),
            View::Verify => self.verify.ui(ui, state, selection, commands),
            View::Chats => self.chat.ui(ui, state, selection, commands, dialogs),
            View::Traffic => {
                self.traffic.ui(ui, state, selection, commands, dialogs);
                if let Some(entry) = self.traffic.take_lab_request() {
                    self.signature_lab.open_on(&entry);
                }
                if self.traffic.take_open_lab() {
                    self.signature_lab.open = true;
                }
                if self.traffic.take_open_as_genesys() {
                    self.as_genesys.open = true;
                }
            }
            View::Runs => self.runs.ui(ui, state, selection, commands, dialogs),
            View::Settings => self.settings.ui(ui, state, selection, commands),
        });
        if let Some(text) = self.runs.take_show_traffic() {
            self.traffic.show_only(&text, &state.traffic);
            selection.view = View::Traffic;
        }
        if let Some(thread) = self.runs.take_open_chat() {
            self.chat.select_thread(Some(thread));
            selection.view = View::Chats;
        }
        self.signature_lab.ui(ui.ctx(), state, selection);
        self.as_genesys.ui(ui.ctx(), state, selection, commands);
        dialogs.ui(ui.ctx());
        self.toasts.ui(ui.ctx(), state);
    }

    /// Lets each view update its drafts for an event the state is about to apply.
    pub fn on_event(&mut self, event: &Event) {
        self.accounts.on_event(event);
        self.chat.on_event(event);
        self.traffic.on_event(event);
        self.settings.on_event(event);
        self.as_genesys.on_event(event);
    }
}

fn nav_ui(ui: &mut Ui, selection: &mut Selection) {
    ui.add_space(6.0);
    for view in View::ALL {
        let text = RichText::new(view.label()).size(15.0);
        let button = egui::Button::selectable(selection.view == view, text);
        if ui.add_sized([ui.available_width(), 28.0], button).clicked() {
            selection.view = view;
        }
    }
}

/// A combo box of the selected environment's accounts that sets the shared
/// selection (the top bar's picker and the chat form's Account row).
pub fn account_combo(
    ui: &mut Ui,
    id_salt: &str,
    placeholder: &str,
    state: &AppState,
    selection: &mut Selection,
) -> egui::Response {
    let current = selection.account.clone().unwrap_or_else(|| placeholder.to_string());
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for account in state.accounts.of(selection.env) {
                let name = &account.name;
                if ui.selectable_label(selection.account.as_ref() == Some(name), name).clicked() {
                    selection.account = Some(name.clone());
                }
            }
        })
        .response
}

pub fn warn_color(ui: &Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode { Color32::from_rgb(100, 200, 120) } else { Color32::from_rgb(20, 130, 50) }
}
