//! egui views, one per file.
