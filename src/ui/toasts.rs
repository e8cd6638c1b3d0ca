//! Toasts: background results for a few seconds in the bottom-right corner.

use std::time::Instant;

use egui::{Align2, Context, RichText};

use super::{error_color, ok_color, warn_color};
use crate::app::state::{AppState, TOAST_SHOWN_FOR};
use crate::engine::command::ToastLevel;

/// The toasts' corner: remembers which toasts were dismissed.
#[derive(Debug, Default)]
pub struct ToastsView {
    dismissed: Vec<u64>,
}

impl ToastsView {
    pub fn ui(&mut self, ctx: &Context, state: &AppState) {
        let now = Instant::now();
        let shown: Vec<_> = state.toasts.shown(now).filter(|t| !self.dismissed.contains(&t.id)).collect();
        // Forget dismissals of toasts that are gone anyway.
        self.dismissed.retain(|id| state.toasts.shown(now).any(|t| t.id == *id));
        if shown.is_empty() {
            return;
        }
        ctx.request_repaint_after(TOAST_SHOWN_FOR / 6);
        let area =
            egui::Area::new(egui::Id::unique("genesys_desk_toasts")).anchor(Align2::RIGHT_BOTTOM, [-12.0, -12.0]);
        area.show(ctx, |ui| {
            for toast in shown {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(360.0);
                    ui.horizontal(|ui| {
                        let color = match toast.level {
                            ToastLevel::Info => ui.visuals().text_color(),
                            ToastLevel::Success => ok_color(ui),
                            ToastLevel::Warning => warn_color(ui),
                            ToastLevel::Error => error_color(ui),
                        };
                        ui.label(RichText::new("•").color(color));
                        ui.add(egui::Label::new(&toast.text).wrap());
                        if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                            self.dismissed.push(toast.id);
                        }
                    });
                });
            }
        });
    }
}
