//! `FormRow`: one labelled input of a form with its inline error, drawn in
//! one place (a widget builder in the style of egui's `toggle_switch` demo).
//!
//! Rows are laid out one under the other, not in a `Grid`: a grid sizes rows
//! from the previous frame, so an error that just went away would leave its
//! row tall for a frame. A form whose errors changed while it was drawn (they
//! were computed before the keystroke) calls [`errors_changed`], which has
//! the frame drawn again before it is shown, so the errors on screen and the
//! rectangles the next click is tested against belong to the text as it is.

use egui::{Align, Color32, Layout, Response, RichText, Stroke, TextEdit, Ui, Widget};

/// Width of the label column when the form does not set one.
pub const LABEL_WIDTH: f32 = 200.0;

/// Width of a text field when the form does not set one.
pub const FIELD_WIDTH: f32 = 380.0;

enum Input<'a> {
    Line(&'a mut String),
    Lines(&'a mut String, usize),
}

/// A labelled text input with its inline error. The label is the input's
/// accessible name, so tests (and screen readers) find the input by it.
#[must_use = "add it with `ui.add(..)`"]
pub struct FormRow<'a> {
    label: &'a str,
    input: Input<'a>,
    enabled: bool,
    password: bool,
    highlight: bool,
    error: Option<&'a str>,
    hint: Option<&'a str>,
    label_width: f32,
    field_width: f32,
}

impl<'a> FormRow<'a> {
    /// A single-line input.
    pub fn text(label: &'a str, value: &'a mut String) -> Self {
        Self::new(label, Input::Line(value))
    }

    /// A multi-line input showing `rows` lines.
    pub fn multiline(label: &'a str, value: &'a mut String, rows: usize) -> Self {
        Self::new(label, Input::Lines(value, rows))
    }

    fn new(label: &'a str, input: Input<'a>) -> Self {
        Self {
            label,
            input,
            enabled: true,
            password: false,
            highlight: false,
            error: None,
            hint: None,
            label_width: LABEL_WIDTH,
            field_width: FIELD_WIDTH,
        }
    }

    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Hides the text (a secret); `false` shows it.
    pub fn password(mut self, hidden: bool) -> Self {
        self.password = hidden;
        self
    }

    /// Outlines the input in the error colour without a message (e.g. a failed check).
    pub fn highlight(mut self, highlight: bool) -> Self {
        self.highlight = highlight;
        self
    }

    /// The inline error under the input (also outlines it).
    pub fn error(mut self, error: Option<&'a str>) -> Self {
        self.error = error;
        self
    }

    /// Grey text shown while the input is empty.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn label_width(mut self, width: f32) -> Self {
        self.label_width = width;
        self
    }

    pub fn field_width(mut self, width: f32) -> Self {
        self.field_width = width;
        self
    }
}

impl Widget for FormRow<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let FormRow { label, input, enabled, password, highlight, error, hint, label_width, field_width } = self;
        let outlined = highlight || error.is_some();
        form_row_ui(ui, label, label_width, error, |ui| {
            if outlined {
                outline_in_error_colour(ui);
            }
            let edit = match input {
                Input::Line(value) => TextEdit::singleline(value).password(password),
                Input::Lines(value, rows) => TextEdit::multiline(value).desired_rows(rows),
            };
            let edit = edit.desired_width(field_width);
            let edit = match hint {
                Some(hint) => edit.hint_text(hint),
                None => edit,
            };
            ui.add_enabled(enabled, edit)
        })
    }
}

/// The one place a form row is drawn: `label` in a column of `label_width`,
/// the field `add_field` adds (named by the label), and `error` under the
/// field. Returns the field's response.
pub fn form_row_ui(
    ui: &mut Ui,
    label: &str,
    label_width: f32,
    error: Option<&str>,
    add_field: impl FnOnce(&mut Ui) -> Response,
) -> Response {
    row_ui(ui, label, label_width, error, true, add_field)
}

/// A row whose widgets carry their own names (buttons, checkboxes, status
/// text): the label only heads the row.
pub fn plain_row_ui(ui: &mut Ui, label: &str, label_width: f32, add_contents: impl FnOnce(&mut Ui)) {
    row_ui(ui, label, label_width, None, false, |ui| ui.horizontal(add_contents).response);
}

fn row_ui(
    ui: &mut Ui,
    label: &str,
    label_width: f32,
    error: Option<&str>,
    name_the_field: bool,
    add_field: impl FnOnce(&mut Ui) -> Response,
) -> Response {
    let response = ui
        .horizontal(|ui| {
            let size = egui::vec2(label_width, ui.spacing().interact_size.y);
            let label = ui.allocate_ui_with_layout(size, Layout::left_to_right(Align::Center), |ui| {
                ui.set_min_size(size);
                ui.label(label)
            });
            let field = ui.scope(add_field).inner;
            if name_the_field { field.labelled_by(label.inner.id) } else { field }
        })
        .inner;
    if let Some(error) = error {
        ui.horizontal(|ui| {
            ui.add_space(label_width + ui.spacing().item_spacing.x);
            ui.add(egui::Label::new(RichText::new(error).color(error_color(ui))).wrap());
        });
    }
    ui.add_space(3.0);
    response
}

/// Call when the errors computed after drawing a form differ from those it
/// was drawn with: this frame is drawn again before it is shown. Only frames
/// where an error appears or goes away pay for it, not every keystroke.
pub fn errors_changed(ui: &Ui) {
    ui.ctx().request_discard("an inline error appeared or went away");
}

/// Draws the next widgets of `ui` with an error-coloured outline.
fn outline_in_error_colour(ui: &mut Ui) {
    let stroke = Stroke::new(1.5, error_color(ui));
    let widgets = &mut ui.visuals_mut().widgets;
    widgets.inactive.bg_stroke = stroke;
    widgets.hovered.bg_stroke = stroke;
}

/// Colour for errors (readable on light and dark backgrounds).
pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}
