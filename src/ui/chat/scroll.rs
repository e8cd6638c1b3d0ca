//! Keyboard scrolling of the open thread (Page Up/Down, Home, End, arrows)
//! while no text field has the keyboard: the thread lays out only the
//! bubbles on screen, so the keys move the scroll offset, not a focus.

use egui::{Key, Ui};

/// The thread's scroll position as last drawn.
#[derive(Debug, Default)]
pub(super) struct ScrollMemory {
    offset: f32,
    viewport: f32,
    max: f32,
}

/// How far an arrow key scrolls.
const LINE: f32 = 40.0;

impl ScrollMemory {
    /// The offset a scrolling key asks for this frame, if one was pressed.
    pub fn keyboard(&self, ui: &Ui) -> Option<f32> {
        if ui.memory(|m| m.focused().is_some()) {
            return None;
        }
        let page = (self.viewport - LINE).max(LINE);
        let target = ui.input(|i| {
            if i.key_pressed(Key::PageDown) {
                Some(self.offset + page)
            } else if i.key_pressed(Key::PageUp) {
                Some(self.offset - page)
            } else if i.key_pressed(Key::ArrowDown) {
                Some(self.offset + LINE)
            } else if i.key_pressed(Key::ArrowUp) {
                Some(self.offset - LINE)
            } else if i.key_pressed(Key::Home) {
                Some(0.0)
            } else if i.key_pressed(Key::End) {
                Some(self.max)
            } else {
                None
            }
        })?;
        Some(target.clamp(0.0, self.max))
    }

    pub fn remember<R>(&mut self, output: &egui::scroll_area::ScrollAreaOutput<R>) {
        self.offset = output.state.clamped_offset().y;
        self.viewport = output.inner_rect.height();
        self.max = (output.content_size.y - self.viewport).max(0.0);
    }
}
