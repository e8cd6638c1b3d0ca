use std::collections::BTreeMap;

use super::*;
use crate::app::state::AppState;
use crate::config::defaults::{EMULATOR_CLIENT_ID, emulator_account_draft};
use crate::config::{Field, FieldError, Tier};

fn loaded() -> (AppState, Selection) {
    let mut second = emulator_account_draft();
    second.name = "Acme Dev".into();
    let accounts = vec![emulator_account_draft().parse().unwrap(), second.parse().unwrap()];
    let mut state = AppState::default();
    state.apply(Event::AccountsLoaded {
        tier: Tier::Two,
        accounts: BTreeMap::from([(Environment::Development, accounts)]),
        secret_warning: None,
    });
    let mut selection = Selection::default();
    selection.keep_account(&state);
    (state, selection)
}

fn edit<'a>(view: &'a mut AccountsView, state: &AppState, selection: &Selection) -> (FormKey, &'a mut AccountForm) {
    let key = view.form_key(state, selection);
    let form = view.form_mut(&key, state, selection);
    (key, form)
}

#[test]
fn the_form_shows_inline_errors_and_saves_only_valid_drafts() {
    let (state, selection) = loaded();
    let mut view = AccountsView::default();
    let (key, form) = edit(&mut view, &state, &selection);
    form.draft.client_id = "not-a-uuid".into();
    let err = view.form(&state, &selection).error_for(Field::ClientId).unwrap();
    assert!(err.starts_with("Client ID \"not-a-uuid\" is not a UUID"), "{err}");
    assert_eq!(view.save_command(&key, &state, &selection), None);
    edit(&mut view, &state, &selection).1.draft.client_id = EMULATOR_CLIENT_ID.into();
    match view.save_command(&key, &state, &selection) {
        Some(Command::SaveAccount { env, original_name, draft }) => {
            assert_eq!(env, Environment::Development);
            assert_eq!(original_name.as_deref(), Some("Emulator"));
            assert_eq!(draft.name, "Emulator");
        }
        other => panic!("expected SaveAccount, got {other:?}"),
    }
    // The engine refuses it: the error lands on the field until it is edited.
    view.on_event(&Event::AccountSaveFailed {
        env: Environment::Development,
        errors: vec![FieldError::new(Field::Name, "Account name \"Emulator\" already exists")],
        message: "not saved".into(),
    });
    assert!(view.form(&state, &selection).error_for(Field::Name).unwrap().contains("already exists"));
}

#[test]
fn read_only_environments_send_no_save() {
    let (state, mut selection) = loaded();
    selection.set_env(Environment::Live, &state);
    let mut view = AccountsView::default();
    let key = view.form_key(&state, &selection);
    assert_eq!(view.save_command(&key, &state, &selection), None);
}

#[test]
fn a_new_empty_form_is_quiet_until_save() {
    let (state, selection) = loaded();
    let mut view = AccountsView { new_for: Some((selection.env, selection.account.clone())), ..Default::default() };
    assert!(view.form(&state, &selection).errors().is_empty());
    let key = view.form_key(&state, &selection);
    assert_eq!(key.1, None);
    assert_eq!(view.save_command(&key, &state, &selection), None);
    assert_eq!(view.form(&state, &selection).errors().len(), 5);
}

#[test]
fn saved_edits_reload_and_unsaved_edits_survive_a_reload() {
    let (mut state, mut selection) = loaded();
    let mut view = AccountsView::default();
    edit(&mut view, &state, &selection).1.draft.public_webhook_base = "https://x.example".into();
    selection.account = Some("Acme Dev".into());
    let reload =
        Event::AccountsLoaded { tier: Tier::Two, accounts: state.accounts.by_env.clone(), secret_warning: None };
    view.on_event(&reload);
    state.apply(reload);
    selection.account = Some("Emulator".into());
    assert_eq!(view.form(&state, &selection).draft.public_webhook_base, "https://x.example");
    let key = view.form_key(&state, &selection);
    assert!(view.save_command(&key, &state, &selection).is_some());
    view.on_event(&Event::AccountSaved { env: Environment::Development, name: "Emulator".into() });
    assert_eq!(view.form(&state, &selection).draft.public_webhook_base, "", "reloads from the (unchanged) account");
}
