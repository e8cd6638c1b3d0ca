//! The Accounts form driven by label: inline validation and read-only environments.

pub mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use genesys_desk::app::selection::View;
use genesys_desk::config::{Environment, Field};
use genesys_desk::engine::command::{Command, Event};

/// The form the Accounts view shows for the current selection.
fn form(ui: &ui_support::Ui<'_>) -> genesys_desk::ui::accounts::AccountForm {
    ui.app().views.accounts.form(ui.state(), ui.selection())
}

#[test]
fn a_bad_client_id_shows_the_inline_error_and_blocks_save() {
    let mut ui = ui_support::app_on(View::Accounts);
    let input = ui.harness.get_by_role_and_label(Role::TextInput, "Client ID");
    input.focus();
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness.get_by_role_and_label(Role::TextInput, "Client ID").type_text("not-a-uuid");
    ui.settle();

    assert_eq!(form(&ui).draft.client_id, "not-a-uuid");
    ui.harness.get_by_label_contains("Client ID \"not-a-uuid\" is not a UUID");
    assert!(form(&ui).error_for(Field::ClientId).is_some());

    ui.harness.get_by_label("Save").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "an invalid draft is never sent");
}

#[test]
fn a_valid_edit_sends_save_account() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_role_and_label(Role::TextInput, "Public webhook base URL").focus();
    ui.settle();
    ui.harness.get_by_role_and_label(Role::TextInput, "Public webhook base URL").type_text("https://abc.example");
    ui.settle();
    assert_eq!(form(&ui).draft.public_webhook_base, "https://abc.example");
    ui.harness.get_by_label_contains("https://abc.example/hooks/Emulator");
    ui.harness.get_by_label("Save").click();
    ui.settle();
    let commands = ui.take_commands();
    match commands.as_slice() {
        [Command::SaveAccount { env: Environment::Development, original_name: Some(name), draft }] => {
            assert_eq!(name, "Emulator");
            assert_eq!(draft.public_webhook_base, "https://abc.example");
        }
        other => panic!("expected one SaveAccount, got {other:?}"),
    }
}

#[test]
fn read_only_environment_disables_save_and_delete() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("Live").click();
    ui.settle();
    assert_eq!(ui.selection().env, Environment::Live);
    ui.harness.get_by_label_contains("Read-only: Live is read-only");
    for label in ["Save", "Delete"] {
        let button = ui.harness.get_by_label(label);
        assert!(button.accesskit_node().is_disabled(), "{label} must be disabled in Live");
        button.click();
    }
    ui.settle();
    assert!(ui.take_commands().is_empty());
    assert!(ui.harness.get_by_role_and_label(Role::TextInput, "Client ID").accesskit_node().is_disabled());
}

/// Selects all text of the input labelled `label` and types `text` over it.
fn replace_text(ui: &mut ui_support::Ui<'_>, label: &str, text: &str) {
    ui.harness.get_by_role_and_label(Role::TextInput, label).focus();
    ui.settle();
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    ui.settle();
}

#[test]
fn an_inline_error_that_goes_away_leaves_no_gap_in_the_form() {
    let mut ui = ui_support::app_on(View::Accounts);
    let top =
        |ui: &ui_support::Ui<'_>| ui.harness.get_by_role_and_label(Role::TextInput, "Integration ID").rect().top();
    let before = top(&ui);
    // Long enough for the error to wrap onto a second line.
    replace_text(&mut ui, "Client ID", "not-a-uuid, but a long line pasted by mistake from somewhere else");
    ui.harness.get_by_label_contains("is not a UUID");
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness
        .get_by_role_and_label(Role::TextInput, "Client ID")
        .type_text(genesys_desk::config::defaults::EMULATOR_CLIENT_ID);
    // The frame that handles the keystroke is the one a click in the same
    // input batch hits: the rows must already be back in place there.
    ui.harness.run_steps(1);
    assert!(ui.harness.query_by_label_contains("is not a UUID").is_none());
    assert_eq!(top(&ui), before, "the rows below the error are back in place");
}

#[test]
fn a_save_error_clears_when_its_field_is_edited() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("Save").click();
    ui.settle();
    assert_eq!(ui.take_commands().len(), 1);
    ui.feed(Event::AccountSaveFailed {
        env: Environment::Development,
        errors: vec![genesys_desk::config::FieldError::new(Field::Name, "Account name \"Emulator\" is already used")],
        message: "Account not saved".into(),
    });
    ui.harness.get_by_label("Account name \"Emulator\" is already used");
    replace_text(&mut ui, "Account name", "Emulator 2");
    assert!(
        ui.harness.query_by_label("Account name \"Emulator\" is already used").is_none(),
        "the error named the old name"
    );
}

#[test]
fn one_save_shows_one_toast() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("Save").click();
    ui.settle();
    assert_eq!(ui.take_commands().len(), 1);
    // What the engine sends for a successful save.
    ui.events.send(Event::AccountSaved { env: Environment::Development, name: "Emulator".into() }).unwrap();
    ui.events
        .send(Event::Toast {
            level: genesys_desk::engine::command::ToastLevel::Success,
            text: "Saved account Emulator".into(),
        })
        .unwrap();
    ui.feed(ui_support::accounts_loaded(vec![ui_support::emulator_account()]));
    assert_eq!(ui.harness.query_all_by_label_contains("Saved account").count(), 1, "one save, one toast");
}

#[test]
fn the_integration_picker_shows_each_integrations_status() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("List integrations").click();
    ui.settle();
    let Some(Command::ListIntegrations { request, .. }) = ui.take_commands().pop() else {
        panic!("no ListIntegrations")
    };
    let summary = |id: &str, name: &str, create: &str| genesys_desk::model::IntegrationSummary {
        id: id.into(),
        name: name.into(),
        status: Some("active".into()),
        create_status: Some(create.into()),
    };
    let list = vec![
        summary(genesys_desk::config::defaults::EMULATOR_INTEGRATION_ID, "Emulator Open Messaging", "Completed"),
        summary("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Second", "Initiated"),
    ];
    ui.feed(Event::IntegrationsListed { request, result: Ok(list) });
    ui.harness.get_by_value("Emulator Open Messaging").click(); // the picker, showing the account's integration
    ui.settle();
    ui.harness.get_by_label("Second — 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (active, Initiated)");
}

#[test]
fn switching_receive_events_off_is_saved_with_the_account() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("Receive events").click();
    ui.settle();
    assert!(form(&ui).draft.events_off);
    ui.harness.get_by_label("Save").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::SaveAccount { draft, .. }] => assert!(draft.events_off, "{draft:?}"),
        other => panic!("expected SaveAccount, got {other:?}"),
    }
}

/// A secret rotated (or an integration created) while the form holds an
/// unsaved edit: the edit stays, the untouched secret takes the new value, so
/// Save never writes the old secret back.
#[test]
fn an_account_changed_elsewhere_updates_the_fields_not_edited() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_role_and_label(Role::TextInput, "Public webhook base URL").focus();
    ui.settle();
    ui.harness.get_by_role_and_label(Role::TextInput, "Public webhook base URL").type_text("https://abc.example");
    ui.settle();
    let mut rotated = ui.state().accounts.of(Environment::Development)[0].clone();
    rotated.webhook_secret = Some(genesys_desk::config::SecretString::new("rotated-secret-0123456789"));
    let tier = ui.state().accounts.tier;
    let accounts = std::collections::BTreeMap::from([(Environment::Development, vec![rotated])]);
    ui.feed(Event::AccountsLoaded { tier, accounts, secret_warning: None });
    let draft = form(&ui).draft;
    assert_eq!(draft.public_webhook_base, "https://abc.example", "the edit stays");
    assert_eq!(draft.webhook_secret, "rotated-secret-0123456789", "the untouched secret follows");
}

#[test]
fn creating_an_integration_is_named_confirmed_and_shows_progress() {
    let mut ui = ui_support::app_on(View::Accounts);
    ui.harness.get_by_label("Create a new integration…").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "nothing is created before the confirmation");
    ui.harness.get_by_label("http://127.0.0.1:8787/hooks/Emulator"); // where Genesys will post
    ui.harness.get_by_label("Create integration").click();
    ui.settle();
    let request = match ui.take_commands().as_slice() {
        [Command::CreateIntegration { request, account, name, .. }] => {
            assert_eq!((account.as_str(), name.as_str()), ("Emulator", "Emulator bot"));
            *request
        }
        other => panic!("expected CreateIntegration, got {other:?}"),
    };
    ui.harness.get_by_label("Creating: Genesys finishes new integrations asynchronously…");
    ui.feed(Event::IntegrationCreated { request, account: "Emulator".into(), result: Ok("new-id".into()) });
    assert!(ui.harness.query_by_label("Creating: Genesys finishes new integrations asynchronously…").is_none());
}

fn shared(name: &str, webhook: bool) -> genesys_desk::config::share::SharedAccount {
    use genesys_desk::config::share::env_var_name;
    genesys_desk::config::share::SharedAccount {
        name: name.into(),
        host: "mypurecloud.ie".into(),
        client_id: "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f".into(),
        integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        public_webhook_base: None,
        receive_events: true,
        accept_unsigned: false,
        client_secret_env: env_var_name(name, "CLIENT_SECRET"),
        webhook_secret_env: webhook.then(|| env_var_name(name, "WEBHOOK_SECRET")),
    }
}

#[test]
fn an_import_asks_for_the_secrets_no_variable_holds() {
    use genesys_desk::engine::share::{ImportCandidate, ImportChoice};
    let mut ui = ui_support::app_on(View::Accounts);
    let mut dialogs = genesys_desk::ui::FixedDialogs::default();
    dialogs.import = Some("/tmp/team.json".into());
    ui.harness.state_mut().set_dialogs(Box::new(dialogs));
    ui.harness.get_by_label("Import…").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::ReadAccountsFile("/tmp/team.json".into())]);
    let candidates = vec![
        ImportCandidate { account: shared("Acme Dev", true), client_env_set: true, webhook_env_set: false },
        ImportCandidate { account: shared("Beta", false), client_env_set: false, webhook_env_set: false },
    ];
    ui.feed(Event::AccountsFileRead { path: "/tmp/team.json".into(), result: Ok(candidates) });
    ui.harness.get_by_label("Import accounts into Development");
    let import_enabled = |ui: &ui_support::Ui<'_>| !ui.harness.get_by_label("Import").accesskit_node().is_disabled();
    assert!(!import_enabled(&ui), "two secrets are missing");
    assert!(ui.harness.query_by_label("Webhook secret of Beta").is_none(), "only Acme Dev names a webhook secret");
    for (label, text) in
        [("Webhook secret of Acme Dev", "typed-webhook"), ("Client secret of Beta", "typed-beta-client")]
    {
        ui.harness.get_by_role_and_label(Role::PasswordInput, label).focus();
        ui.settle();
        ui.harness.get_by_role_and_label(Role::PasswordInput, label).type_text(text);
        ui.settle();
    }
    ui.settle();
    assert!(import_enabled(&ui));
    ui.harness.get_by_label("Import").click();
    ui.settle();
    let expected = vec![
        ImportChoice {
            account: shared("Acme Dev", true),
            client_secret: String::new(),
            webhook_secret: "typed-webhook".into(),
        },
        ImportChoice {
            account: shared("Beta", false),
            client_secret: "typed-beta-client".into(),
            webhook_secret: String::new(),
        },
    ];
    assert_eq!(ui.take_commands(), vec![Command::ImportAccounts { env: Environment::Development, accounts: expected }]);
    assert!(ui.harness.query_by_label("Import accounts into Development").is_none(), "the dialog closed");
}
