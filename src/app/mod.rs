//! The desktop app (eframe): `App` owns the `AppState` (what the engine
//! reported), the shared `Selection` and the views with their drafts. Each
//! frame it drains engine events, draws the views and sends the `Command`s
//! they pushed. It never touches the network, files or tokio itself.

pub mod chats;
pub mod curl;
pub mod pending;
pub mod selection;
pub mod state;
pub mod traffic_log;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use crate::engine::command::{Command, Event};
use crate::ui::{DesktopDialogs, Dialogs, Views};
use selection::{Persisted, Selection, ThemeChoice};
use state::AppState;

/// Where the UI sends its commands (the engine handle's `send`, a test recorder).
pub type CommandSink = Box<dyn FnMut(Command)>;

/// When `run` was entered: the start-up time is logged at the first frame.
static STARTED_AT: OnceLock<Instant> = OnceLock::new();

/// Key of the persisted selection in eframe storage.
const PERSIST_KEY: &str = "genesys-desk/selection";

/// The app: state + event receiver + command sink.
pub struct App {
    pub state: AppState,
    pub selection: Selection,
    pub views: Views,
    events: Receiver<Event>,
    sink: CommandSink,
    dialogs: Box<dyn Dialogs>,
    applied_theme: Option<ThemeChoice>,
    shut_down: bool,
    first_frame_done: bool,
}

impl App {
    /// The constructor the engine wiring uses: `events` is fed by the engine (which
    /// also calls `ctx.request_repaint()` after each send), `command_sink` forwards
    /// to the engine. The last run's view, environment, account and theme are
    /// restored from eframe storage.
    pub fn new(cc: &eframe::CreationContext<'_>, events: Receiver<Event>, command_sink: CommandSink) -> Self {
        egui_extras::install_image_loaders(&cc.egui_ctx);
        let selection = cc
            .storage
            .and_then(|s| eframe::get_value::<Persisted>(s, PERSIST_KEY))
            .map(Selection::restored)
            .unwrap_or_default();
        Self::with_parts(selection, events, command_sink, Box::new(DesktopDialogs::default()))
    }

    /// An app without a window (tests, benchmarks): dialogs are replaceable.
    pub fn with_parts(
        selection: Selection,
        events: Receiver<Event>,
        command_sink: CommandSink,
        dialogs: Box<dyn Dialogs>,
    ) -> Self {
        Self {
            state: AppState::default(),
            selection,
            views: Views::default(),
            events,
            sink: command_sink,
            dialogs,
            applied_theme: None,
            shut_down: false,
            first_frame_done: false,
        }
    }

    /// Replaces the file dialogs (tests answer with fixed paths).
    pub fn set_dialogs(&mut self, dialogs: Box<dyn Dialogs>) {
        self.dialogs = dialogs;
    }

    /// Applies every waiting event: events first, then draw (README, Architecture).
    pub fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.apply(event);
        }
    }

    /// One event: the selection and the views' drafts follow it, then the
    /// state applies it.
    pub fn apply(&mut self, event: Event) {
        let accounts_changed = matches!(event, Event::AccountsLoaded { .. } | Event::AccountDeleted { .. });
        self.selection.follow(&event);
        self.views.on_event(&event);
        self.state.apply(event);
        if accounts_changed {
            self.selection.keep_account(&self.state);
        }
    }

    /// One frame: events, theme, views, then the commands the views pushed.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.drain_events();
        if self.applied_theme != Some(self.selection.theme) {
            ui.ctx().set_theme(match self.selection.theme {
                ThemeChoice::System => egui::ThemePreference::System,
                ThemeChoice::Light => egui::ThemePreference::Light,
                ThemeChoice::Dark => egui::ThemePreference::Dark,
            });
            self.applied_theme = Some(self.selection.theme);
        }
        let mut commands = Vec::new();
        self.views.ui(ui, &self.state, &mut self.selection, &mut commands, self.dialogs.as_mut());
        for command in commands {
            self.state.sent(&command);
            (self.sink)(command);
        }
        if let Some(notice) = self.dialogs.notice() {
            // The window's own problem, shown where the engine's are.
            self.state.toasts.push(crate::engine::command::ToastLevel::Warning, notice, Instant::now());
        }
    }

    fn shutdown(&mut self) {
        if !self.shut_down {
            self.shut_down = true;
            (self.sink)(Command::Shutdown);
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
        if !self.first_frame_done {
            self.first_frame_done = true;
            if let Some(started) = STARTED_AT.get() {
                // `GENESYS_DESK_LOG=info` shows it: the start-up time to the first frame.
                tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "first frame drawn");
            }
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PERSIST_KEY, &self.selection.persisted());
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.shutdown();
    }
}

/// The window icon (a chat bubble on the app's blue), decoded from the PNG
/// in the binary; an undecodable icon leaves the default.
fn app_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/hicolor/256x256/apps/genesys-desk.png"))
        .unwrap_or_default()
}

/// Opens the main window with the engine running (listener, emulator,
/// history); returns when it closes, after the engine shut down.
pub fn run(home: Option<PathBuf>) -> ExitCode {
    let _ = STARTED_AT.set(Instant::now());
    let paths = match crate::config::Paths::resolve(home.as_deref()) {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let _guard = runtime.enter();
    let handle = runtime.handle().clone();
    let engine_task: std::sync::Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>> = Default::default();
    let task_slot = engine_task.clone();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("genesys-desk")
            // The desktop groups windows and finds the desktop entry by this id.
            .with_app_id("genesys-desk")
            .with_icon(app_icon())
            .with_inner_size([1200.0, 800.0])
            .with_min_inner_size([760.0, 480.0]),
        ..Default::default()
    };
    let outcome = eframe::run_native(
        "genesys-desk",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            // A signal closes the window as its close button does, so the
            // engine shuts down (a tunnel's child process ends with it).
            let closing = ctx.clone();
            handle.spawn(async move {
                crate::runtime::stop_signal().await;
                closing.send_viewport_cmd(egui::ViewportCommand::Close);
                closing.request_repaint();
            });
            let repaint: crate::engine::Repaint = std::sync::Arc::new(move || ctx.request_repaint());
            let config = crate::engine::EngineConfig::new(paths);
            let (engine, events_rx, task) = crate::engine::spawn(&handle, config, repaint);
            *task_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
            let sink: CommandSink = Box::new(move |command| engine.send(command));
            Ok(Box::new(App::new(cc, events_rx, sink)))
        }),
    );
    // The window sent Shutdown on exit: give the engine a moment to stop the
    // listener and emulator and flush the history.
    let task = engine_task.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(task) = task {
        let _ = runtime.block_on(tokio::time::timeout(std::time::Duration::from_secs(5), task));
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the window could not open ({err}): check DISPLAY/WAYLAND_DISPLAY and the GPU drivers");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod icon_tests {
    #[test]
    fn the_window_icon_decodes() {
        let icon = super::app_icon();
        assert_eq!((icon.width, icon.height, icon.rgba.len()), (256, 256, 256 * 256 * 4));
    }
}
