//! Toasts: background results for a few seconds in the bottom-right corner.

use std::time::Instant;

use egui::{Align2, Context, RichText};

use super::{error_color, ok_color, warn_color};
use crate::app::state::{AppState, TOAST_SHOWN_FOR};
use crate::engine::command::ToastLevel;

pub fn toasts_ui(ctx: &Context, state: &mut AppState) {
    let now = Instant::now();
    state.expire_toasts(now);
    if state.toasts.is_empty() {
        return;
    }
    ctx.request_repaint_after(TOAST_SHOWN_FOR / 6);
    let mut dismiss = None;
    egui::Area::new(egui::Id::unique("genesys_desk_toasts")).anchor(Align2::RIGHT_BOTTOM, [-12.0, -12.0]).show(
        ctx,
        |ui| {
            for (i, toast) in state.toasts.iter().enumerate() {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(360.0);
                    ui.horizontal(|ui| {
                        let (icon, color) = match toast.level {
                            ToastLevel::Info => ("•", ui.visuals().text_color()),
                            ToastLevel::Success => ("•", ok_color(ui)),
                            ToastLevel::Warning => ("•", warn_color(ui)),
                            ToastLevel::Error => ("•", error_color(ui)),
                        };
                        ui.label(RichText::new(icon).color(color));
                        ui.add(egui::Label::new(&toast.text).wrap());
                        if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                            dismiss = Some(i);
                        }
                    });
                });
            }
        },
    );
    if let Some(i) = dismiss {
        state.toasts.remove(i);
    }
}
