//! The Accounts form driven by label: inline validation and read-only environments.

pub mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use genesys_desk::app::state::View;
use genesys_desk::config::{Environment, Field};
use genesys_desk::engine::command::Command;

#[test]
fn a_bad_client_id_shows_the_inline_error_and_blocks_save() {
    let mut ui = ui_support::app_on(View::Accounts);
    let input = ui.harness.get_by_role_and_label(Role::TextInput, "Client ID");
    input.focus();
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness.get_by_role_and_label(Role::TextInput, "Client ID").type_text("not-a-uuid");
    ui.settle();

    assert_eq!(ui.state().form_view().draft.client_id, "not-a-uuid");
    ui.harness.get_by_label_contains("Client ID \"not-a-uuid\" is not a UUID");
    assert!(ui.state().form_view().error_for(Field::ClientId).is_some());

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
    assert_eq!(ui.state().form_view().draft.public_webhook_base, "https://abc.example");
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
    assert_eq!(ui.state().env, Environment::Live);
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
