//! stub
use crate::app::state::AppState; use crate::engine::command::Command; use super::Dialogs;
pub fn chat_ui(_ui: &mut egui::Ui, _state: &mut AppState, _c: &mut Vec<Command>, _d: &mut dyn Dialogs) {}
