//! Reading a scenario file: every error names the file, the line and the
//! field (`steps[2].expect_reply.within`), as the YAML reader reports them.

use std::path::{Path, PathBuf};

use super::model::{Scenario, Step};

/// Why a scenario file cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ScenarioError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// A scenario and the folder its relative paths start from.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub path: PathBuf,
    pub scenario: Scenario,
}

impl ScenarioFile {
    /// Where `send_image` finds its file: relative to the scenario file.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_path_buf();
        }
        self.path.parent().unwrap_or(Path::new(".")).join(path)
    }
}

/// Reads and checks `path`.
pub fn load(path: &Path) -> Result<ScenarioFile, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        line: None,
        message: format!("cannot read the scenario ({e})"),
    })?;
    parse(path, &text)
}

/// Parses `text` as the scenario file `path`.
pub fn parse(path: &Path, text: &str) -> Result<ScenarioFile, ScenarioError> {
    let error = |line: Option<usize>, message: String| ScenarioError { file: path.to_path_buf(), line, message };
    let scenario: Scenario = yaml_serde::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        // The reader appends " at line L column C"; the line is already in front.
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        error(line, message)
    })?;
    if scenario.steps.is_empty() {
        return Err(error(None, "steps: the scenario has no steps: add at least one (e.g. `- say: \"hello\"`)".into()));
    }
    let file = ScenarioFile { path: path.to_path_buf(), scenario };
    for (i, step) in file.scenario.steps.iter().enumerate() {
        if let Step::SendImage(image) = step {
            let found = file.resolve(image);
            if !found.is_file() {
                let message = format!(
                    "steps[{i}].send_image: {} is not a file (paths are relative to the scenario file)",
                    found.display()
                );
                return Err(error(step_line(text, i), message));
            }
        }
    }
    Ok(file)
}

/// The line of the `index`-th item of a block-style `steps:` list, if the
/// file is written that way.
fn step_line(text: &str, index: usize) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim_end() == "steps:")?;
    let items: Vec<usize> = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(n, l)| (n, l.len() - l.trim_start().len()))
        .scan(None, |indent, (n, this)| {
            let first = *indent.get_or_insert(this);
            Some((n, this == first))
        })
        .filter(|(_, top)| *top)
        .map(|(n, _)| n + 1)
        .collect();
    items.get(index).copied()
}

#[cfg(test)]
mod tests;
