use super::*;
use crate::config::defaults::emulator_account_draft;
use crate::model::{Direction, TrafficEntry};

fn loaded() -> AppState {
    let mut state = AppState::default();
    let mut second = emulator_account_draft();
    second.name = "Acme Dev".into();
    let accounts = vec![emulator_account_draft().parse().unwrap(), second.parse().unwrap()];
    state.apply(Event::AccountsLoaded {
        tier: Tier::Two,
        accounts: BTreeMap::from([(Environment::Development, accounts)]),
        secret_warning: Some("file fallback".into()),
    });
    state
}

fn check(id: CheckId, status: CheckStatus, field: Option<Field>) -> Check {
    Check { id, status, message: format!("{} {}", id.as_str(), status.as_str()), hint: String::new(), field }
}

#[test]
fn accounts_loaded_selects_the_first_account_and_live_is_read_only() {
    let mut state = loaded();
    assert_eq!(state.selected_account.as_deref(), Some("Emulator"));
    assert_eq!(state.account_count_text(), "2 of 5 accounts");
    assert!(!state.read_only());
    state.set_env(Environment::Live);
    assert!(state.read_only());
    assert_eq!(state.env_accounts().len(), 2, "Live shows Development's accounts");
    assert_eq!(state.save_command(), None);
    assert_eq!(state.delete_command(), None);
    // Switching to three tiers moves to Staging.
    state.apply(Event::AccountsLoaded { tier: Tier::Three, accounts: BTreeMap::new(), secret_warning: None });
    assert_eq!(state.env, Environment::Staging);
    assert_eq!(state.selected_account, None);
}

#[test]
fn the_form_shows_inline_errors_and_saves_only_valid_drafts() {
    let mut state = loaded();
    state.form().draft.client_id = "not-a-uuid".into();
    let err = state.form_view().error_for(Field::ClientId).unwrap();
    assert!(err.starts_with("Client ID \"not-a-uuid\" is not a UUID"), "{err}");
    assert_eq!(state.save_command(), None);
    state.form().draft.client_id = crate::config::defaults::EMULATOR_CLIENT_ID.into();
    match state.save_command() {
        Some(Command::SaveAccount { env, original_name, draft }) => {
            assert_eq!(env, Environment::Development);
            assert_eq!(original_name.as_deref(), Some("Emulator"));
            assert_eq!(draft.name, "Emulator");
        }
        other => panic!("expected SaveAccount, got {other:?}"),
    }
    // The engine refuses it: the error lands on the field.
    state.apply(Event::AccountSaveFailed {
        env: Environment::Development,
        errors: vec![FieldError::new(Field::Name, "Account name \"Emulator\" already exists")],
        message: "not saved".into(),
    });
    assert!(state.form_view().error_for(Field::Name).unwrap().contains("already exists"));
    assert_eq!(state.toasts.last().map(|t| t.level), Some(ToastLevel::Error));
}

#[test]
fn a_new_empty_form_is_quiet_until_save() {
    let mut state = loaded();
    state.editing_new = true;
    assert!(state.form_view().errors().is_empty());
    assert_eq!(state.save_command(), None);
    assert_eq!(state.form_view().errors().len(), 5);
}

#[test]
fn saved_edits_reload_and_unsaved_edits_survive_a_reload() {
    let mut state = loaded();
    state.form().draft.public_webhook_base = "https://x.example".into();
    state.select_account(Some("Acme Dev".into()));
    state.apply(Event::AccountsLoaded { tier: Tier::Two, accounts: state.accounts.clone(), secret_warning: None });
    state.select_account(Some("Emulator".into()));
    assert_eq!(state.form_view().draft.public_webhook_base, "https://x.example");
    let cmd = state.save_command();
    assert!(cmd.is_some());
    state.apply(Event::AccountSaved { env: Environment::Development, name: "Emulator".into() });
    assert_eq!(state.form_view().draft.public_webhook_base, "", "reloads from the (unchanged) account");
}

#[test]
fn verify_checks_arrive_one_by_one_and_keep_the_previous_report() {
    let mut state = loaded();
    let Some(Command::Verify { request, account, .. }) = state.verify_command(false) else { panic!() };
    assert_eq!(account, "Emulator");
    assert!(state.verify_run().unwrap().result.is_waiting());
    state.apply(Event::VerifyStarted { request, account: account.clone() });
    state.apply(Event::CheckFinished { request, check: check(CheckId::Host, CheckStatus::Pass, None) });
    state.apply(Event::CheckFinished {
        request,
        check: check(CheckId::Token, CheckStatus::Fail, Some(Field::ClientSecret)),
    });
    assert_eq!(state.verify_run().unwrap().checks.len(), 2);
    assert_eq!(state.failed_fields(), vec![Field::ClientSecret]);
    // A stale request's events are ignored.
    state.apply(Event::CheckFinished { request: RequestId(999), check: check(CheckId::Send, CheckStatus::Pass, None) });
    assert_eq!(state.verify_run().unwrap().checks.len(), 2);
    let report = VerifyReport {
        checks: vec![check(CheckId::Host, CheckStatus::Pass, None), check(CheckId::Token, CheckStatus::Pass, None)],
    };
    state.apply(Event::VerifyFinished { request, report: report.clone() });
    assert_eq!(state.verify_run().unwrap().result, Pending::Ready(report.clone()));
    assert!(state.failed_fields().is_empty());
    // A new run keeps the old report while waiting.
    state.verify_command(true);
    assert_eq!(state.verify_run().unwrap().result.latest(), Some(&report));
}

#[test]
fn starting_a_chat_selects_its_thread() {
    let mut state = loaded();
    assert_eq!(state.start_chat_command(), None, "empty ticket is refused");
    assert!(state.chat_form.error_for(TicketField::Email).is_some());
    let t = &mut state.chat_form.ticket;
    t.name = "Ada".into();
    t.mobile = "+353871234567".into();
    t.email = "ada@example.com".into();
    t.query = "Where is my order?".into();
    t.priority = "high".into();
    t.attributes = vec![("orderId".into(), "42".into()), (String::new(), String::new())];
    let Some(Command::StartChat { request, account, ticket, .. }) = state.start_chat_command() else { panic!() };
    assert_eq!((account.as_str(), ticket.priority.as_str()), ("Emulator", "HIGH"));
    assert_eq!(ticket.attributes.len(), 1);
    state.apply(Event::ChatStarted { request, account: "Emulator".into(), customer_id: "cust-1".into() });
    assert_eq!(state.selected_thread, Some(("Emulator".into(), "cust-1".into())));
    state.compose = "  hello  ".into();
    assert_eq!(
        state.send_text_command(),
        Some(Command::SendText {
            env: Environment::Development,
            account: "Emulator".into(),
            customer_id: "cust-1".into(),
            text: "hello".into()
        })
    );
    assert!(state.compose.is_empty());
}

#[test]
fn services_traffic_and_toasts() {
    let mut state = loaded();
    let addr: SocketAddr = "127.0.0.1:8787".parse().unwrap();
    state.apply(Event::ListenerStarted { addr, public_base: None });
    assert_eq!(state.listener_webhook_url().as_deref(), Some("http://127.0.0.1:8787/hooks/Emulator"));
    state.apply(Event::TrafficRecorded(TrafficEntry::new(Direction::Incoming, "Emulator", "POST", "/hooks/Emulator")));
    assert_eq!((state.traffic.len(), state.traffic.deliveries), (1, 1));
    let t0 = Instant::now();
    state.apply_at(Event::Toast { level: ToastLevel::Info, text: "hi".into() }, t0);
    let n = state.toasts.len();
    state.expire_toasts(t0 + TOAST_SHOWN_FOR);
    assert_eq!(state.toasts.len(), n - 1);
    state.apply(Event::ListenerFailed { error: "address in use".into() });
    assert_eq!(state.listener, ServiceStatus::Failed("address in use".into()));
}

#[test]
fn persisted_selection_round_trips() {
    let mut state = loaded();
    state.view = View::Traffic;
    let p = state.persisted();
    let restored = AppState::restored(p.clone());
    assert_eq!(
        (restored.view, restored.env, restored.selected_account.clone()),
        (View::Traffic, Environment::Development, Some("Emulator".into()))
    );
    assert_eq!(restored.persisted(), p);
}

#[test]
fn history_and_deletions() {
    let mut state = loaded();
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
    let key = ("Emulator".to_string(), "c9".to_string());
    assert_eq!(state.chats.thread(&key).unwrap().title(), Some("Ada"));
    assert_eq!(state.selected_thread, None, "history does not jump away from the start form");

    state.apply(Event::AccountDeleted { env: Environment::Development, name: "Emulator".into() });
    assert_eq!(state.selected_account.as_deref(), Some("Acme Dev"));
    assert_eq!(state.account_count_text(), "1 of 5 accounts");
}
