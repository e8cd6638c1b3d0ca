//! An agent's structured message drawn as widgets: quick replies as chips,
//! cards with their buttons and links, carousels scrolling sideways, date
//! picker slots, list pickers and templates as text. A click answers with a
//! button response (returned); list pickers cannot be answered through Open
//! Messaging (its `ContentButtonResponse.type` has no `ListPicker`), so they are shown only.

use egui::{Frame, RichText, Ui};

use crate::genesys::types::structured::{ButtonKind, ButtonResponse};
use crate::model::ChatMessage;
use crate::model::structured::{Card, Structured, parse};

/// Parses a message's JSON once while it stays on screen (egui's frame cache
/// keeps a result as long as it is asked for every frame), not every frame.
#[derive(Default)]
struct Parser;

impl egui::cache::ComputerMut<&str, Vec<Structured>> for Parser {
    fn compute(&mut self, raw: &str) -> Vec<Structured> {
        parse(raw)
    }
}

type ParsedCache = egui::cache::FrameCache<Vec<Structured>, Parser>;

/// Draws `msg`'s structured content; the answer clicked, if any.
pub(super) fn structured_ui(ui: &mut Ui, msg: &ChatMessage) -> Option<ButtonResponse> {
    let raw = msg.raw.as_deref()?;
    let items = ui.ctx().memory_mut(|mem| mem.caches.cache::<ParsedCache>().get(raw).clone());
    let mut clicked = None;
    for (i, item) in items.into_iter().enumerate() {
        ui.push_id(i, |ui| match item {
            Structured::QuickReplies { title, replies } => {
                if let Some(title) = title {
                    ui.label(RichText::new(title).strong());
                }
                ui.horizontal_wrapped(|ui| {
                    for reply in replies {
                        if ui.button(&reply.text).on_hover_text(format!("payload: {}", reply.payload)).clicked() {
                            clicked = Some(answer(ButtonKind::QuickReply, reply.text, reply.payload));
                        }
                    }
                });
            }
            Structured::Card(card) => clicked = clicked.take().or(card_ui(ui, &card)),
            Structured::Carousel(cards) => {
                egui::ScrollArea::horizontal().id_salt("carousel").show(ui, |ui| {
                    ui.horizontal(|ui| {
                        for (n, card) in cards.iter().enumerate() {
                            ui.push_id(n, |ui| clicked = clicked.take().or(card_ui(ui, card)));
                        }
                    });
                });
            }
            Structured::DatePicker { title, subtitle, times } => {
                for line in [title, subtitle].into_iter().flatten() {
                    ui.label(line);
                }
                ui.horizontal_wrapped(|ui| {
                    for time in times {
                        if ui.button(&time).clicked() {
                            clicked = Some(answer(ButtonKind::DatePicker, time.clone(), time));
                        }
                    }
                });
            }
            Structured::ListPicker { sections } => {
                for (title, items) in sections {
                    ui.label(format!("{}: {}", title.unwrap_or_default(), items.join(", ")));
                }
                ui.weak("(a list picker: Open Messaging has no answer for it)");
            }
            Structured::Template(text) => {
                ui.label(text);
            }
            Structured::Unknown(kind) => {
                ui.weak(format!("[{kind} content, not drawn by this version]"));
                let pretty = serde_json::from_str::<serde_json::Value>(raw)
                    .and_then(|v| serde_json::to_string_pretty(&v))
                    .unwrap_or_else(|_| raw.to_string());
                egui::CollapsingHeader::new("Raw JSON").show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(pretty).monospace()).wrap());
                });
            }
        });
    }
    clicked
}

fn answer(kind: ButtonKind, text: String, payload: String) -> ButtonResponse {
    ButtonResponse { kind, text, payload }
}

/// A card: title, description, image address, its buttons (links open in the browser).
fn card_ui(ui: &mut Ui, card: &Card) -> Option<ButtonResponse> {
    let mut clicked = None;
    Frame::group(ui.style()).show(ui, |ui| {
        ui.set_max_width(220.0);
        ui.vertical(|ui| {
            ui.label(RichText::new(&card.title).strong());
            if let Some(description) = &card.description {
                ui.label(description);
            }
            if let Some(image) = &card.image {
                ui.hyperlink_to("image", image);
            }
            for action in &card.actions {
                let text = action.text.clone().unwrap_or_else(|| "Open".into());
                match (&action.url, action.is_link()) {
                    (Some(url), true) => {
                        ui.hyperlink_to(&text, url);
                    }
                    _ => {
                        if ui.button(&text).clicked() {
                            let payload = action.payload.clone().unwrap_or_else(|| text.clone());
                            clicked = Some(answer(ButtonKind::Button, text, payload));
                        }
                    }
                }
            }
        });
    });
    clicked
}
