use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::*;
use crate::app::pending::Pending;
use crate::app::selection::{Selection, View};
use crate::config::defaults::emulator_account_draft;
use crate::config::{Environment, Field, Tier};
use crate::engine::command::{RequestId, ToastLevel};
use crate::model::ThreadKey;
use crate::model::{Check, CheckId, CheckStatus, Direction, TrafficEntry, VerifyReport};

fn accounts_loaded(tier: Tier, names: &[&str]) -> Event {
    let accounts = names
        .iter()
        .map(|name| {
            let mut draft = emulator_account_draft();
            draft.name = (*name).into();
            draft.parse().unwrap()
        })
        .collect();
    Event::AccountsLoaded {
        tier,
        accounts: BTreeMap::from([(Environment::Development, accounts)]),
        secret_warning: Some("file fallback".into()),
    }
}

/// A state and selection with two accounts, as the App applies events.
fn loaded() -> (AppState, Selection) {
    let mut state = AppState::default();
    let mut selection = Selection::default();
    apply(&mut state, &mut selection, accounts_loaded(Tier::Two, &["Emulator", "Acme Dev"]));
    (state, selection)
}

fn apply(state: &mut AppState, selection: &mut Selection, event: Event) {
    let accounts_changed = matches!(event, Event::AccountsLoaded { .. } | Event::AccountDeleted { .. });
    selection.follow(&event);
    state.apply(event);
    if accounts_changed {
        selection.keep_account(state);
    }
}

fn check(id: CheckId, status: CheckStatus, field: Option<Field>) -> Check {
    Check { id, status, message: format!("{} {}", id.as_str(), status.as_str()), hint: String::new(), field }
}

#[test]
fn accounts_loaded_selects_the_first_account_and_live_is_read_only() {
    let (mut state, mut selection) = loaded();
    assert_eq!(selection.account.as_deref(), Some("Emulator"));
    assert_eq!(state.accounts.count_text(selection.env), "2 of 5 accounts");
    assert_eq!(state.accounts.secret_warning.as_deref(), Some("file fallback"));
    assert!(!selection.read_only());
    selection.set_env(Environment::Live, &state);
    assert!(selection.read_only());
    assert_eq!(state.accounts.of(selection.env).len(), 2, "Live shows Development's accounts");
    // Switching to three tiers moves to Staging, which has no accounts.
    apply(&mut state, &mut selection, accounts_loaded(Tier::Three, &[]));
    assert_eq!(selection.env, Environment::Staging);
    assert_eq!(selection.account, None);
}

#[test]
fn a_saved_account_is_selected_and_a_deleted_one_is_not() {
    let (mut state, mut selection) = loaded();
    apply(&mut state, &mut selection, Event::AccountSaved { env: Environment::Development, name: "New".into() });
    assert_eq!(selection.account.as_deref(), Some("New"), "selected before the reload lists it");
    apply(&mut state, &mut selection, accounts_loaded(Tier::Two, &["Emulator", "Acme Dev", "New"]));
    assert_eq!(selection.account.as_deref(), Some("New"));
    assert!(state.toasts.is_empty(), "the engine's own Toast reports the save");
    apply(&mut state, &mut selection, Event::AccountDeleted { env: Environment::Development, name: "New".into() });
    assert_eq!(selection.account.as_deref(), Some("Emulator"));
    assert_eq!(state.accounts.count_text(selection.env), "2 of 5 accounts");
}

#[test]
fn a_refused_save_toasts_the_engine_message() {
    let (mut state, mut selection) = loaded();
    let errors = vec![crate::config::FieldError::new(Field::Name, "Account name \"Emulator\" already exists")];
    let failed = Event::AccountSaveFailed { env: Environment::Development, errors, message: "not saved".into() };
    apply(&mut state, &mut selection, failed);
    assert_eq!(state.toasts.last().map(|t| (t.level, t.text.as_str())), Some((ToastLevel::Error, "not saved")));
}

#[test]
fn verify_checks_arrive_one_by_one_and_keep_the_previous_report() {
    let (mut state, _) = loaded();
    let request = RequestId(1);
    state.sent(&Command::Verify {
        request,
        env: Environment::Development,
        account: "Emulator".into(),
        include_send: false,
    });
    let run = |state: &AppState| state.verify.run(Environment::Live, "Emulator").cloned().unwrap();
    assert!(run(&state).result.is_waiting(), "Live reads Development's runs");
    state.apply(Event::VerifyStarted { request, account: "Emulator".into() });
    state.apply(Event::CheckFinished { request, check: check(CheckId::Host, CheckStatus::Pass, None) });
    state.apply(Event::CheckFinished {
        request,
        check: check(CheckId::Token, CheckStatus::Fail, Some(Field::ClientSecret)),
    });
    assert_eq!(run(&state).checks.len(), 2);
    assert_eq!(run(&state).failed_fields(), vec![Field::ClientSecret]);
    // A stale request's events are ignored.
    state.apply(Event::CheckFinished { request: RequestId(999), check: check(CheckId::Send, CheckStatus::Pass, None) });
    assert_eq!(run(&state).checks.len(), 2);
    let report = VerifyReport {
        checks: vec![check(CheckId::Host, CheckStatus::Pass, None), check(CheckId::Token, CheckStatus::Pass, None)],
    };
    state.apply(Event::VerifyFinished { request, report: report.clone() });
    assert_eq!(run(&state).result, Pending::Ready(report.clone()));
    assert!(run(&state).failed_fields().is_empty());
    assert_eq!(state.toasts.last().map(|t| t.level), Some(ToastLevel::Success));
    // A new run keeps the old report while waiting.
    let again = Command::Verify {
        request: RequestId(2),
        env: Environment::Development,
        account: "Emulator".into(),
        include_send: true,
    };
    state.sent(&again);
    assert_eq!(run(&state).result.latest(), Some(&report));
    assert!(run(&state).checks.is_empty());
}

#[test]
fn services_traffic_and_toasts() {
    let (mut state, _) = loaded();
    let addr: SocketAddr = "127.0.0.1:8787".parse().unwrap();
    state.apply(Event::ListenerStarted { addr, public_base: None });
    assert_eq!(state.services.listener_addr(), Some(addr));
    state.apply(Event::TrafficRecorded(TrafficEntry::new(Direction::Incoming, "Emulator", "POST", "/hooks/Emulator")));
    assert_eq!((state.traffic.len(), state.traffic.deliveries), (1, 1));
    let t0 = std::time::Instant::now();
    state.apply_at(Event::Toast { level: ToastLevel::Info, text: "hi".into() }, t0);
    let n = state.toasts.shown(t0).count();
    assert_eq!(state.toasts.shown(t0 + TOAST_SHOWN_FOR).count(), n - 1);
    state.apply(Event::ListenerFailed { error: "address in use".into() });
    assert_eq!(state.services.listener, ServiceStatus::Failed("address in use".into()));
    assert_eq!(state.toasts.last().map(|t| t.text.as_str()), Some("Listener: address in use"));
}

#[test]
fn persisted_selection_round_trips() {
    let (_, mut selection) = loaded();
    selection.view = View::Traffic;
    let p = selection.persisted();
    let restored = Selection::restored(p.clone());
    assert_eq!(
        (restored.view, restored.env, restored.account.clone()),
        (View::Traffic, Environment::Development, Some("Emulator".into()))
    );
    assert_eq!(restored.persisted(), p);
}

#[test]
fn history_fills_threads_and_traffic() {
    let (mut state, _) = loaded();
    let mut old = TrafficEntry::new(Direction::Incoming, "Emulator", "POST", "/hooks/Emulator");
    old.verdict = Some(crate::model::SignatureVerdict::Valid);
    let msg = crate::model::ChatMessage {
        id: Some(1),
        account: "Emulator".into(),
        customer_id: "c9".into(),
        conversation_id: None,
        genesys_id: None,
        sender: crate::model::Sender::Customer,
        sender_name: Some("Ada".into()),
        kind: crate::model::MessageKind::Text,
        text: "hello again".into(),
        attachments: vec![],
        at: time::OffsetDateTime::now_utc(),
        status: crate::model::DeliveryStatus::Sent,
        raw: None,
    };
    state.apply(Event::HistoryLoaded { messages: vec![msg], traffic: vec![old] });
    assert_eq!(state.traffic.deliveries, 1);
    let key = ThreadKey::new("Emulator", "c9");
    assert_eq!(state.chats.thread(&key).unwrap().title(), Some("Ada"));
    state.apply(Event::ChatStarted { request: RequestId(5), account: "Emulator".into(), customer_id: "c10".into() });
    assert!(state.chats.thread(&ThreadKey::new("Emulator", "c10")).is_some(), "a started chat has its thread");
}
