use std::path::Path;
use std::time::Duration;

use super::*;
use crate::scenario::model::ReceiptStatus;

fn parsed(text: &str) -> ScenarioFile {
    parse(Path::new("t.yaml"), text).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(text: &str) -> ScenarioError {
    match parse(Path::new("t.yaml"), text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}

#[test]
fn every_step_kind_is_read() {
    let f = parsed(
        r#"
name: all
account: Emulator
customer: { name: "Load {n}", email: "load{n}@example.com", priority: HIGH, attributes: { orderId: "18{n}" } }
steps:
  - say: "My order arrived damaged"
  - send_image: ../../assets/emulator/agent.png
  - typing
  - wait: 500ms
  - expect_reply: { contains: "sorry", within: 30s }
  - expect_reply: { matches: "(?i)sorry|help" }
  - expect_typing: { within: 5s }
  - expect_agent_joined: { within: 1m }
  - expect_agent_left: {}
  - expect_conversation_end: { within: 45 }
  - expect_receipt: { status: Delivered, within: 10s }
  - fail_last_reply
"#
        .replace("../../assets", &format!("{}/assets", env!("CARGO_MANIFEST_DIR")))
        .as_str(),
    );
    let s = &f.scenario;
    assert_eq!(s.name, "all");
    assert_eq!(s.customer.attributes["orderId"], "18{n}");
    let names: Vec<&str> = s.steps.iter().map(Step::name).collect();
    assert_eq!(
        names,
        [
            "say",
            "send_image",
            "typing",
            "wait",
            "expect_reply",
            "expect_reply",
            "expect_typing",
            "expect_agent_joined",
            "expect_agent_left",
            "expect_conversation_end",
            "expect_receipt",
            "fail_last_reply"
        ]
    );
    assert!(matches!(&s.steps[3], Step::Wait(d) if *d == Duration::from_millis(500)));
    let Step::ExpectReply(reply) = &s.steps[5] else { panic!() };
    assert!(reply.matches.as_ref().is_some_and(|r| r.is_match("SORRY")));
    assert_eq!(reply.within, Duration::from_secs(30), "the default");
    assert_eq!(s.steps[7].within(), Some(Duration::from_secs(60)));
    assert_eq!(s.steps[9].within(), Some(Duration::from_secs(45)), "a bare number is seconds");
    assert!(matches!(&s.steps[10], Step::ExpectReceipt(r) if r.status == ReceiptStatus::Delivered));
}

#[test]
fn an_unknown_step_names_the_line_and_the_step() {
    let e = refused("name: x\nsteps:\n  - say: hi\n  - sayy: hello\n");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.contains("steps[1]") && e.message.contains("sayy"), "{e}");
    assert!(e.to_string().starts_with("t.yaml:4: "), "{e}");
}

#[test]
fn a_bad_duration_names_its_field() {
    let e = refused("name: x\nsteps:\n  - say: hi\n  - expect_reply: { contains: hi, within: soon }\n");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.starts_with("steps[1].expect_reply: "), "{e}");
    assert!(e.message.contains("\"soon\" is not a duration"), "{e}");
}

#[test]
fn a_bad_regex_and_an_unknown_field_are_refused() {
    let e = refused("name: x\nsteps:\n  - expect_reply: { matches: \"(unclosed\" }\n");
    assert!(e.message.contains("not a regular expression"), "{e}");
    let e = refused("name: x\nsteps:\n  - expect_reply: { contain: hi }\n");
    assert!(e.message.contains("unknown field `contain`"), "{e}");
    let e = refused("name: x\nstep:\n  - say: hi\n");
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn a_receipt_status_outside_the_sdk_enum_is_refused() {
    let e = refused("name: x\nsteps:\n  - expect_receipt: { status: Recieved }\n");
    assert!(e.message.contains("Recieved"), "{e}");
}

#[test]
fn a_missing_image_names_the_step_line() {
    let e = refused("name: x\nsteps:\n  - say: hi\n  - send_image: nowhere.png\n");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.starts_with("steps[1].send_image: nowhere.png is not a file"), "{e}");
}

#[test]
fn no_steps_and_no_name_are_refused() {
    assert!(refused("name: x\nsteps: []\n").message.contains("no steps"));
    assert!(refused("steps:\n  - say: hi\n").message.contains("name"));
}

#[test]
fn the_example_scenario_in_the_repository_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/damaged.yaml");
    let file = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.scenario.steps.len(), 9);
}
