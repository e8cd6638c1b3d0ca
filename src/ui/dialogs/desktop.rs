//! The app's dialogs: the desktop's own while it works, genesys-desk's own
//! once it does not (remembered for the rest of the run), starting in the
//! last folder used, else Downloads, else home. A dialog that cannot open is
//! said in a toast naming what to install, never only logged.

use std::path::PathBuf;
use std::sync::mpsc;

use super::in_app::{InAppDialog, Step};
use super::native::{self, Outcome};
use super::{DialogAnswer, DialogRequest, Dialogs};

/// What the dialog thread reports.
enum Report {
    Answer(DialogAnswer, PathBuf),
    Cancelled,
    /// The native dialog could not open: fall back for this request and the rest of the run.
    Unavailable(DialogRequest, String),
}

/// Native dialogs with the in-app fallback.
pub struct DesktopDialogs {
    native_works: bool,
    native_open: bool,
    in_app: Option<InAppDialog>,
    last_dir: Option<PathBuf>,
    answers: Vec<DialogAnswer>,
    notice: Option<String>,
    tx: mpsc::Sender<Report>,
    rx: mpsc::Receiver<Report>,
}

impl Default for DesktopDialogs {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            native_works: true,
            native_open: false,
            in_app: None,
            last_dir: None,
            answers: Vec::new(),
            notice: None,
            tx,
            rx,
        }
    }
}

impl DesktopDialogs {
    /// Only the in-app dialog, starting in `start` (tests; desktops known to have none).
    pub fn in_app_only(start: PathBuf) -> Self {
        Self { native_works: false, last_dir: Some(start), ..Self::default() }
    }

    fn start_dir(&self) -> PathBuf {
        if let Some(dir) = &self.last_dir {
            return dir.clone();
        }
        let user = directories::UserDirs::new();
        let downloads = user.as_ref().and_then(|u| u.download_dir()).filter(|d| d.is_dir());
        downloads
            .or_else(|| user.as_ref().map(directories::UserDirs::home_dir))
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    }

    fn open_native(&mut self, request: DialogRequest, ctx: &egui::Context) {
        let (tx, ctx, start) = (self.tx.clone(), ctx.clone(), self.start_dir());
        let spec = request.spec();
        let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let report = match native::run(&spec, Some(&start)) {
                Outcome::Chosen(path) => {
                    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
                    Report::Answer(request.answer(path), dir)
                }
                Outcome::Cancelled => Report::Cancelled,
                Outcome::Unavailable(why) => Report::Unavailable(request, why),
            };
            let _ = tx.send(report);
            ctx.request_repaint();
        });
        match spawned {
            Ok(_) => self.native_open = true,
            Err(e) => self.notice = Some(format!("Could not open a file dialog: {e}")),
        }
    }

    fn receive(&mut self) {
        while let Ok(report) = self.rx.try_recv() {
            self.native_open = false;
            match report {
                Report::Answer(answer, dir) => {
                    self.last_dir = Some(dir);
                    self.answers.push(answer);
                }
                Report::Cancelled => {}
                Report::Unavailable(request, why) => {
                    tracing::warn!("no native file dialog: {why}");
                    self.native_works = false;
                    self.notice = Some(format!(
                        "The desktop's file dialog is not available ({why}). Using genesys-desk's own for the rest of this run."
                    ));
                    self.in_app = Some(InAppDialog::open(request, &self.start_dir()));
                }
            }
        }
    }
}

impl Dialogs for DesktopDialogs {
    fn open(&mut self, request: DialogRequest, ctx: &egui::Context) {
        // One dialog at a time, as with a modal dialog.
        if self.native_open || self.in_app.is_some() {
            return;
        }
        if self.native_works {
            self.open_native(request, ctx);
        } else {
            self.in_app = Some(InAppDialog::open(request, &self.start_dir()));
        }
    }

    fn answer(&mut self) -> Option<DialogAnswer> {
        self.receive();
        (!self.answers.is_empty()).then(|| self.answers.remove(0))
    }

    fn ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.in_app else { return };
        match dialog.ui(ctx) {
            Step::Open => {}
            Step::Cancelled => self.in_app = None,
            Step::Chosen(answer, dir) => {
                self.in_app = None;
                self.last_dir = Some(dir);
                self.answers.push(answer);
                ctx.request_repaint();
            }
        }
    }

    fn notice(&mut self) -> Option<String> {
        self.receive();
        self.notice.take()
    }
}
