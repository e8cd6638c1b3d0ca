//! genesys-desk's own file dialog, for desktops without a portal or zenity:
//! the same title, filter and proposed name as the native one. Drawn here
//! rather than with a file-dialog crate: egui-file-dialog needs egui 0.36,
//! and egui_file labels its title, files and buttons with emoji that egui
//! 0.37's default fonts cannot draw (boxes in the window).

use std::path::{Path, PathBuf};

use egui::{Button, Key, TextEdit, Ui};

use super::{DialogAnswer, DialogRequest, DialogSpec};

/// One listed folder or file.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    path: PathBuf,
    is_dir: bool,
}

/// An open in-app dialog and the request it answers.
#[derive(Debug)]
pub struct InAppDialog {
    request: DialogRequest,
    spec: DialogSpec,
    dir: PathBuf,
    /// The folder field as typed (Enter goes there).
    dir_text: String,
    entries: Result<Vec<Entry>, String>,
    selected: Option<PathBuf>,
    /// A save dialog's file name.
    file_name: String,
}

/// How a frame of the dialog ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Open,
    Cancelled,
    /// The answer, and the folder it was chosen in (the next dialog starts there).
    Chosen(DialogAnswer, PathBuf),
}

/// The folders, then the files of `spec`'s kinds, of `dir`, by name; hidden ones left out.
fn list(dir: &Path, spec: &DialogSpec) -> Result<Vec<Entry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("Cannot list {}: {e}", dir.display()))?;
    let mut entries: Vec<Entry> = read
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.path().is_dir();
            (!name.starts_with('.') && (is_dir || spec.accepts(&e.path()))).then(|| Entry {
                name,
                path: e.path(),
                is_dir,
            })
        })
        .collect();
    entries.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    Ok(entries)
}

impl InAppDialog {
    /// Opens the dialog for `request` in the folder `start`.
    pub fn open(request: DialogRequest, start: &Path) -> Self {
        let spec = request.spec();
        let file_name = spec.file_name.clone().unwrap_or_default();
        let mut dialog = Self {
            request,
            spec,
            dir: PathBuf::new(),
            dir_text: String::new(),
            entries: Ok(Vec::new()),
            selected: None,
            file_name,
        };
        dialog.go(start.to_path_buf());
        dialog
    }

    fn go(&mut self, dir: PathBuf) {
        self.entries = list(&dir, &self.spec);
        self.dir_text = dir.display().to_string();
        self.dir = dir;
        self.selected = None;
    }

    /// The path a click on Open/Save would answer with.
    fn target(&self) -> Option<PathBuf> {
        if self.spec.save {
            let name = self.file_name.trim();
            (!name.is_empty()).then(|| self.spec.with_extension(self.dir.join(name)))
        } else {
            self.selected.clone()
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ctx: &egui::Context) -> Step {
        let mut step = Step::Open;
        let mut open = true;
        egui::Window::new(self.spec.title)
            .id(egui::Id::unique("genesys_desk_file_dialog"))
            .open(&mut open)
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .min_width(560.0)
            .show(ctx, |ui| step = self.contents_ui(ui));
        if !open || ctx.input(|i| i.key_pressed(Key::Escape)) {
            return Step::Cancelled;
        }
        step
    }

    fn contents_ui(&mut self, ui: &mut Ui) -> Step {
        let mut go_to = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.dir.parent().is_some(), Button::new("Up"))
                .on_hover_text("The parent folder")
                .clicked()
            {
                go_to = self.dir.parent().map(Path::to_path_buf);
            }
            let label = ui.label("Folder");
            let field =
                ui.add(TextEdit::singleline(&mut self.dir_text).desired_width(f32::INFINITY)).labelled_by(label.id);
            if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                go_to = Some(PathBuf::from(self.dir_text.trim()));
            }
        });
        ui.weak(format!("{} ({})", self.spec.filter_name, self.spec.extensions.join(", ")));
        let mut chosen = self.list_ui(ui, &mut go_to);
        if let Some(dir) = go_to {
            self.go(dir);
        }
        if self.spec.save {
            ui.horizontal(|ui| {
                let label = ui.label("File name");
                ui.add(TextEdit::singleline(&mut self.file_name).desired_width(300.0)).labelled_by(label.id);
            });
            if let Some(path) = self.target().filter(|p| p.exists()) {
                ui.colored_label(super::super::warn_color(ui), format!("{} exists: Save replaces it", path.display()));
            }
        }
        let mut cancelled = false;
        ui.horizontal(|ui| {
            let action = if self.spec.save { "Save" } else { "Open" };
            if ui.add_enabled(self.target().is_some(), Button::new(action)).clicked() {
                chosen = self.target();
            }
            cancelled = ui.button("Cancel").clicked();
        });
        match chosen {
            _ if cancelled => Step::Cancelled,
            Some(path) => Step::Chosen(self.request.clone().answer(path), self.dir.clone()),
            None => Step::Open,
        }
    }

    /// The folder's entries; a click on a folder opens it, on a file selects
    /// it, a double click on a file chooses it.
    fn list_ui(&mut self, ui: &mut Ui, go_to: &mut Option<PathBuf>) -> Option<PathBuf> {
        let mut chosen = None;
        let list =
            egui::ScrollArea::vertical().min_scrolled_height(240.0).max_height(240.0).auto_shrink([false, false]);
        list.show(ui, |ui| match &self.entries {
            Err(e) => {
                ui.colored_label(super::super::error_color(ui), e);
            }
            Ok(entries) if entries.is_empty() => {
                ui.weak("Nothing of this kind here");
            }
            Ok(entries) => {
                for entry in entries {
                    let text = if entry.is_dir { format!("{}/", entry.name) } else { entry.name.clone() };
                    let response = ui.selectable_label(self.selected.as_ref() == Some(&entry.path), text);
                    if entry.is_dir && response.clicked() {
                        *go_to = Some(entry.path.clone());
                    } else if response.double_clicked() {
                        chosen = Some(entry.path.clone());
                    } else if response.clicked() {
                        self.selected = Some(entry.path.clone());
                        if self.spec.save {
                            self.file_name = entry.name.clone();
                        }
                    }
                }
            }
        });
        chosen
    }
}
