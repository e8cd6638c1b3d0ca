//! stub
use crate::app::state::AppState; use crate::engine::command::Command;
pub fn settings_ui(_ui: &mut egui::Ui, _state: &mut AppState, _c: &mut Vec<Command>) {}
