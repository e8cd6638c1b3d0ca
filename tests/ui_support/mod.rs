//! Shared set-up for the egui_kittest UI tests: the real `App` driven by a
//! harness, commands recorded, events fed through the same channel the engine uses.
#![expect(clippy::unwrap_used, reason = "test set-up: a broken harness should fail the test loudly")]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::mpsc::{self, Sender};

use egui_kittest::Harness;
use genesys_desk::app::App;
use genesys_desk::app::selection::{Selection, View};
use genesys_desk::app::state::AppState;
use genesys_desk::config::defaults::emulator_account_draft;
use genesys_desk::config::{Account, Environment, Tier};
use genesys_desk::engine::command::{Command, Event};
use genesys_desk::ui::FixedDialogs;

pub struct Ui<'a> {
    pub harness: Harness<'a, App>,
    pub events: Sender<Event>,
    pub commands: Rc<RefCell<Vec<Command>>>,
}

impl Ui<'_> {
    /// Feeds an event as the engine would, then lets the UI settle.
    pub fn feed(&mut self, event: Event) {
        self.events.send(event).unwrap();
        self.settle();
    }

    /// A few frames. Not `Harness::run`: spinners (listener starting, checks
    /// running) repaint forever, which is what they should do.
    pub fn settle(&mut self) {
        self.harness.run_steps(4);
    }

    /// Takes the commands sent so far.
    pub fn take_commands(&self) -> Vec<Command> {
        std::mem::take(&mut *self.commands.borrow_mut())
    }

    pub fn state(&self) -> &AppState {
        &self.harness.state().state
    }

    pub fn selection(&self) -> &Selection {
        &self.harness.state().selection
    }

    pub fn app(&self) -> &App {
        self.harness.state()
    }
}

pub fn emulator_account() -> Account {
    emulator_account_draft().parse().unwrap()
}

pub fn accounts_loaded(accounts: Vec<Account>) -> Event {
    Event::AccountsLoaded {
        tier: Tier::Two,
        accounts: BTreeMap::from([(Environment::Development, accounts)]),
        secret_warning: None,
    }
}

/// The real App in a 1280x800 harness, on `view`, with the Emulator account loaded.
pub fn app_on<'a>(view: View) -> Ui<'a> {
    let (events, rx) = mpsc::channel();
    let commands = Rc::new(RefCell::new(Vec::new()));
    let recorder = commands.clone();
    let selection = Selection { view, ..Selection::default() };
    let app = App::with_parts(
        selection,
        rx,
        Box::new(move |c| recorder.borrow_mut().push(c)),
        Box::new(FixedDialogs::default()),
    );
    let harness = Harness::builder().with_size([1280.0, 800.0]).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    let mut ui = Ui { harness, events, commands };
    ui.events.send(Event::ListenerStarted { addr: "127.0.0.1:8787".parse().unwrap(), public_base: None }).unwrap();
    ui.feed(accounts_loaded(vec![emulator_account()]));
    ui
}
