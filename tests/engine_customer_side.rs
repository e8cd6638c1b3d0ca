//! The customer side of a test chat: typing reaches Genesys as a typing
//! event; an image over Genesys' 25 MB attachment limit, or a file that is not
//! an image, is refused with the reason before anything is posted.

mod engine_support;
mod support;

use genesys_desk::config::{Environment, defaults};
use genesys_desk::engine::command::ToastLevel;
use genesys_desk::engine::{self, Command, Event};

async fn refusal(setup: &engine_support::Setup, file: &std::path::Path) -> String {
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            // As in the app: an image that got through would reach the agent and come back here.
            setup.deliver_to(addr);
            break;
        }
    }
    engine.send(Command::SendImage {
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        customer_id: "cust-1".into(),
        path: file.to_path_buf(),
    });
    let text = loop {
        match engine.next().await {
            Some(Event::Toast { level: ToastLevel::Error, text }) => break text,
            Some(_) => {}
            None => panic!("the engine stopped"),
        }
    };
    engine.shutdown().await;
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_over_25_mb_or_not_an_image_is_refused_before_posting() {
    let setup = engine_support::emulator_and_home().await;
    let big = setup.home.path().join("big.png");
    std::fs::File::create(&big).unwrap().set_len(26 * 1024 * 1024).unwrap();
    let text = refusal(&setup, &big).await;
    assert!(text.contains("big.png is 26.0 MB: Genesys accepts attachments up to 25 MB"), "{text}");
    let pdf = setup.home.path().join("notes.pdf");
    std::fs::write(&pdf, b"%PDF-1.4").unwrap();
    let text = refusal(&setup, &pdf).await;
    assert!(text.contains("notes.pdf is not an image (application/pdf)"), "{text}");
    let posted = setup.emulator.requests().into_iter().filter(|r| r.path.contains("/inbound/open/message")).count();
    assert_eq!(posted, 0, "nothing reached Genesys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_typing_is_posted_as_a_typing_event() {
    let setup = engine_support::emulator_and_home().await;
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    while !matches!(engine.next().await, Some(Event::ListenerStarted { .. })) {}
    let mut requests = setup.emulator.subscribe();
    engine.send(Command::SendTyping {
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        customer_id: "cust-1".into(),
    });
    let answered = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Ok(genesys_desk::emulator::EmulatorEvent::Request(r)) = requests.recv().await
                && r.path.ends_with("/inbound/open/event")
            {
                return r.status;
            }
        }
    })
    .await
    .unwrap();
    engine.shutdown().await;
    assert!((200..300).contains(&answered), "{answered}");
}

/// The emulator's agent sends a quick reply menu; the customer picks an
/// option; the agent receives the structured response and answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_reply_picked_reaches_the_agent_who_answers_it() {
    use genesys_desk::genesys::types::structured::{ButtonKind, ButtonResponse};
    use genesys_desk::model::{MessageKind, Sender};
    let setup = engine_support::emulator_and_home().await;
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            setup.deliver_to(addr);
            break;
        }
    }
    let (env, account, customer_id) =
        (Environment::Development, defaults::EMULATOR_ACCOUNT.to_string(), "menu-cust".to_string());
    engine.send(Command::SendText {
        env,
        account: account.clone(),
        customer_id: customer_id.clone(),
        text: "menu".into(),
    });
    let agent_said = |kind: MessageKind| {
        move |e: &Event| match e {
            Event::ChatMessageAdded(m) if m.sender == Sender::Agent && m.kind == kind => Some(m.clone()),
            _ => None,
        }
    };
    let until = async |engine: &mut engine::HeadlessEngine,
                       pick: &dyn Fn(&Event) -> Option<genesys_desk::model::ChatMessage>| {
        tokio::time::timeout(std::time::Duration::from_secs(15), async {
            loop {
                if let Some(found) = engine.next().await.as_ref().and_then(pick) {
                    return found;
                }
            }
        })
        .await
        .unwrap()
    };
    let menu = until(&mut engine, &agent_said(MessageKind::Structured)).await;
    assert!(menu.raw.as_deref().unwrap_or_default().contains("Track my order"));
    let response =
        ButtonResponse { kind: ButtonKind::QuickReply, text: "Track my order".into(), payload: "track".into() };
    let originating_message_id = menu.genesys_id.clone().unwrap_or_default();
    engine.send(Command::SendButtonResponse { env, account, customer_id, originating_message_id, response });
    let reply = until(&mut engine, &agent_said(MessageKind::Text)).await;
    engine.shutdown().await;
    assert!(reply.text.contains("Track my order"), "the agent answers the pick: {}", reply.text);
}

/// "Send as Genesys" posts a delivery signed with the account's webhook
/// secret to the user's middleware and reports each attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_as_genesys_signs_with_the_accounts_secret_and_reports_attempts() {
    let setup = engine_support::emulator_and_home().await;
    let mut hook = support::start_hook(200).await;
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            setup.deliver_to(addr);
            break;
        }
    }
    let request = genesys_desk::engine::as_genesys::AsGenesys {
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        url: hook.url(),
        kind: "typing".into(),
        text: String::new(),
    };
    engine.send(Command::DeliverAsGenesys(request));
    let mut attempts = Vec::new();
    let result = loop {
        match engine.next().await {
            Some(Event::AsGenesysAttempt { text }) => attempts.push(text),
            Some(Event::AsGenesysDone { result }) => break result,
            Some(_) => {}
            None => panic!("the engine stopped"),
        }
    };
    engine.shutdown().await;
    assert_eq!(result, Ok("delivered: HTTP 200 on attempt 1".to_string()));
    assert_eq!(attempts.len(), 1);
    let got = hook.next(std::time::Duration::from_secs(5)).await;
    let signature = got.signature.unwrap_or_default();
    assert!(genesys_desk::webhook::signature::is_valid(defaults::EMULATOR_WEBHOOK_SECRET, &got.body, &signature));
    assert!(String::from_utf8_lossy(&got.body).contains("\"eventType\":\"Typing\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_type_the_supported_content_profile_refuses_is_stopped_before_posting() {
    let setup = engine_support::emulator_and_home().await;
    setup.emulator.update_config(|c| c.images_allowed = false);
    let png = setup.home.path().join("photo.png");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/emulator/agent.png"), &png).unwrap();
    let text = refusal(&setup, &png).await;
    assert!(text.contains("photo.png is image/png, which the integration's supported content profile"), "{text}");
    assert!(text.contains("Admin > Message > Supported Content"), "{text}");
    let posted = setup.emulator.requests().into_iter().filter(|r| r.path.contains("/inbound/open/message")).count();
    assert_eq!(posted, 0, "nothing reached Genesys");
}
