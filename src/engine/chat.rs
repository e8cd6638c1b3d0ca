//! Test chats: the first customer message from the ticket form, later texts
//! and images, receipts, and what follows an agent message (Delivered receipt,
//! image download).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use time::OffsetDateTime;

use super::command::{Event, ReceiptOutcome, RequestId, TicketDraft, ToastLevel};
use super::error::ImageError;
use super::worker::{Engine, Shared, WatchRequest, lock};
use crate::config::{Account, Environment};
use crate::genesys::{Client, Customer, ImageRef, InboundMessage, ReceiptStatus};
use crate::model::{Attachment, ChatMessage, DeliveryStatus, MessageKind, Sender, ThreadKey};
use crate::webhook::public_media_url;

/// Genesys' attachment limit (25 MB, https://help.mypurecloud.com/?p=238811): the largest
/// agent attachment downloaded for display, and the largest customer image sent.
const MAX_DOWNLOAD_BYTES: usize = 25 * 1024 * 1024;

pub(super) fn customer_message(account: &str, customer: &Customer, text: &str) -> ChatMessage {
    ChatMessage {
        id: None,
        account: account.to_string(),
        customer_id: customer.id.clone(),
        conversation_id: None,
        genesys_id: None,
        sender: Sender::Customer,
        sender_name: customer.nickname.clone(),
        kind: MessageKind::Text,
        text: text.to_string(),
        attachments: Vec::new(),
        at: OffsetDateTime::now_utc(),
        status: DeliveryStatus::Sending,
        raw: None,
    }
}

/// Stores `message` and reports it to the UI.
pub(super) async fn store_and_show(shared: &Shared, mut message: ChatMessage) -> ChatMessage {
    let copy = message.clone();
    match shared.writer.run(move |db| db.insert_message(&copy)).await {
        Ok(id) => message.id = Some(id),
        Err(e) => shared.toast(ToastLevel::Error, format!("Message not stored in history: {e}")),
    }
    shared.events.send(Event::ChatMessageAdded(message.clone()));
    message
}

pub(super) async fn update_status(shared: &Shared, mut message: ChatMessage, status: DeliveryStatus) {
    message.status = status.clone();
    let (id, copy) = (message.id, message.clone());
    if let Some(id) = id
        && let Err(e) = shared.writer.run(move |db| db.update_message(id, &copy)).await
    {
        tracing::warn!("message status not stored: {e}");
    }
    shared.events.send(Event::ChatMessageUpdated(message));
}

/// Posts `inbound`, records the customer message with its outcome.
async fn post(
    shared: &Shared,
    client: &Client,
    account: &Account,
    inbound: InboundMessage,
    mut shown: ChatMessage,
) -> bool {
    shown = store_and_show(shared, shown).await;
    match client.send_message(&inbound).await {
        Ok(sent) => {
            shown.genesys_id = Some(sent.id.clone());
            shown.conversation_id = sent.conversation_id.clone();
            if let Some(conversation) = &sent.conversation_id {
                let thread = ThreadKey::new(account.name.clone(), shown.customer_id.clone());
                let _ = shared.watch.send(WatchRequest { thread, conversation_id: conversation.clone() });
            }
            update_status(shared, shown, DeliveryStatus::Sent).await;
            true
        }
        Err(e) => {
            let message = e.user_message();
            shared.toast(ToastLevel::Error, format!("{}: {message}", account.name));
            update_status(shared, shown, DeliveryStatus::Failed(message)).await;
            false
        }
    }
}

async fn open_chat(shared: Shared, account: Account, client: Client, request: RequestId, ticket: TicketDraft) {
    let parsed = match ticket.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let field = errors.first().map(|e| e.field);
            let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n");
            return shared.events.send(Event::ChatStartFailed { request, message, field });
        }
    };
    for warning in &parsed.warnings {
        shared.toast(ToastLevel::Warning, warning.clone());
    }
    let customer = Customer::from_ticket(&parsed);
    lock(&shared.customers).insert(ThreadKey::new(account.name.clone(), customer.id.clone()), customer.clone());
    shared.events.send(Event::ChatStarted { request, account: account.name.clone(), customer_id: customer.id.clone() });
    let inbound = InboundMessage {
        customer: customer.clone(),
        text: Some(parsed.text.clone()),
        image: None,
        custom_attributes: parsed.custom_attributes.clone(),
    };
    let shown = customer_message(&account.name, &customer, &parsed.text);
    if post(&shared, &client, &account, inbound, shown).await && !ticket.after_assignment_message.trim().is_empty() {
        let mut note = customer_message(&account.name, &customer, ticket.after_assignment_message.trim());
        note.sender = Sender::System;
        note.sender_name = None;
        note.kind = MessageKind::Note;
        note.status = DeliveryStatus::Received;
        store_and_show(&shared, note).await;
    }
}

pub(super) fn known_customer(shared: &Shared, account: &str, customer_id: &str) -> Customer {
    lock(&shared.customers)
        .get(&ThreadKey::new(account, customer_id))
        .cloned()
        .unwrap_or_else(|| Customer::new(customer_id))
}

async fn post_text(shared: Shared, account: Account, client: Client, customer_id: String, text: String) {
    let customer = known_customer(&shared, &account.name, &customer_id);
    let shown = customer_message(&account.name, &customer, &text);
    post(&shared, &client, &account, InboundMessage::text(customer, text), shown).await;
}

/// Genesys Cloud fetches images by public URL: an account on a Genesys region
/// needs its public webhook base URL; a custom host (the emulator) can fetch
/// them from the listener itself.
pub fn public_base_required(account: &Account) -> bool {
    account.public_webhook_base.is_none() && account.host.region().is_some()
}

/// Publishes a local file at the listener's `/media/<random id>` for Genesys
/// to fetch; returns its reference and where the listener keeps the copy.
pub(super) async fn serve_image(
    shared: &Shared,
    account: &Account,
    client: &Client,
    path: &Path,
) -> Result<(ImageRef, Option<String>), ImageError> {
    check_image(path).await?;
    allowed_by_profile(client, path).await?;
    let media = lock(&shared.media).clone().ok_or(ImageError::NoListener)?;
    let base = match &account.public_webhook_base {
        Some(public) => public.clone(),
        None if public_base_required(account) => {
            return Err(ImageError::NeedsPublicBase { account: account.name.clone() });
        }
        None => lock(&shared.listener_base).clone().ok_or(ImageError::NoListener)?,
    };
    let id = media.register(path).await.map_err(|source| ImageError::Register { path: path.to_path_buf(), source })?;
    let mut image = ImageRef::from_url(&public_media_url(&base, &id)).map_err(ImageError::Url)?;
    if let Some(mime) = mime_guess::from_path(path).first() {
        image.mime = mime.essence_str().to_string();
    }
    image.filename = path.file_name().map(|f| f.to_string_lossy().into_owned());
    Ok((image, media.path(&id.0).map(|p| p.display().to_string())))
}

/// Refuses, before anything is posted, a file Genesys would refuse: over its
/// 25 MB attachment limit, or not an image by its name.
async fn check_image(path: &Path) -> Result<(), ImageError> {
    let mime = mime_guess::from_path(path).first();
    if let Some(mime) = mime.filter(|m| m.type_() != mime_guess::mime::IMAGE) {
        return Err(ImageError::NotAnImage { path: path.to_path_buf(), mime: mime.essence_str().to_string() });
    }
    let size = tokio::fs::metadata(path).await.map(|m| m.len()).unwrap_or(0);
    if size > MAX_DOWNLOAD_BYTES as u64 {
        return Err(ImageError::TooLarge { path: path.to_path_buf(), size });
    }
    Ok(())
}

/// Refuses an image type the integration's supported content profile does not
/// let customers send (`mediaTypes.allow.inbound`); when the profile cannot be
/// read (none, refused, unreachable) the image goes and Genesys decides.
async fn allowed_by_profile(client: &Client, path: &Path) -> Result<(), ImageError> {
    let Some(mime) = mime_guess::from_path(path).first() else { return Ok(()) };
    let Ok(integration) = client.integration().await else { return Ok(()) };
    let Some(id) = integration.supported_content.map(|r| r.id).filter(|id| !id.is_empty()) else { return Ok(()) };
    let Ok(content) = client.supported_content(&id).await else { return Ok(()) };
    if crate::genesys::types::setup::media_allowed(&content.allowed(true), mime.essence_str()) {
        return Ok(());
    }
    let profile = content.name.clone().or(content.id.clone()).unwrap_or(id);
    Err(ImageError::NotAllowed { path: path.to_path_buf(), mime: mime.essence_str().to_string(), profile })
}

/// Sends a local image as a customer message of the thread.
async fn post_image(shared: Shared, account: Account, client: Client, customer_id: String, path: PathBuf) {
    let (image, local_path) = match serve_image(&shared, &account, &client, &path).await {
        Ok(served) => served,
        Err(e) => return shared.toast(ToastLevel::Error, e.to_string()),
    };
    let customer = known_customer(&shared, &account.name, &customer_id);
    let mut shown = customer_message(&account.name, &customer, "");
    shown.attachments.push(Attachment {
        media_type: image.media_type().to_string(),
        url: image.url.clone(),
        mime: image.mime.clone(),
        filename: image.filename.clone(),
        local_path,
    });
    let inbound = InboundMessage { customer, text: None, image: Some(image), custom_attributes: Default::default() };
    post(&shared, &client, &account, inbound, shown).await;
}

/// The customer, the agent message's Genesys id and its history row.
pub(super) type ReceiptTarget = (String, String, Option<i64>);

async fn post_receipt(shared: Shared, client: Client, target: ReceiptTarget, outcome: ReceiptOutcome) {
    let (customer_id, message_id, row) = target;
    let (status, shown) = match &outcome {
        ReceiptOutcome::Delivered => (ReceiptStatus::Delivered, DeliveryStatus::Delivered),
        ReceiptOutcome::Failed { reason } => (
            ReceiptStatus::Failed { code: "GeneralError".into(), message: reason.clone() },
            DeliveryStatus::ReceiptFailed(reason.clone()),
        ),
    };
    match client.send_receipt(&customer_id, &message_id, &status).await {
        Ok(_) => {
            let Some(row) = row else { return };
            match shared.writer.run(move |db| db.message(row)).await {
                Ok(Some(message)) => update_status(&shared, message, shown).await,
                Ok(None) => {}
                Err(e) => tracing::warn!("receipt of {message_id} not stored: {e}"),
            }
        }
        Err(e) => shared.toast(ToastLevel::Error, format!("Receipt not sent: {}", e.user_message())),
    }
}

/// After an agent message: download its images for inline display, then send
/// the Delivered receipt when auto-receipts are on.
pub(super) async fn after_agent_message(shared: Shared, client: Client, mut message: ChatMessage, verified: bool) {
    let mut changed = false;
    for attachment in message.attachments.iter_mut().filter(|a| a.local_path.is_none()) {
        match client.download(&attachment.url, MAX_DOWNLOAD_BYTES, verified).await {
            Ok(bytes) => {
                let name = attachment.filename.clone().unwrap_or_else(|| "attachment".into());
                let safe: String =
                    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
                let dir = shared.media_dir.join("downloads");
                let path = dir.join(format!("{}-{safe}", uuid::Uuid::new_v4().simple()));
                let written = tokio::fs::create_dir_all(&dir).await.and(tokio::fs::write(&path, &bytes).await);
                match written {
                    Ok(()) => {
                        attachment.local_path = Some(path.display().to_string());
                        changed = true;
                    }
                    Err(e) => tracing::warn!("agent attachment not saved: {e}"),
                }
            }
            Err(e) => shared.toast(ToastLevel::Warning, format!("Agent image not downloaded: {}", e.user_message())),
        }
    }
    if changed {
        let status = message.status.clone();
        update_status(&shared, message.clone(), status).await;
    }
    let wants_receipt = matches!(message.kind, MessageKind::Text | MessageKind::Structured);
    if wants_receipt
        && shared.auto_delivered.load(Ordering::Relaxed)
        && let Some(genesys_id) = message.genesys_id.clone()
    {
        let target = (message.customer_id.clone(), genesys_id, message.id);
        post_receipt(shared, client, target, ReceiptOutcome::Delivered).await;
    }
}

impl Engine {
    pub(super) fn start_chat(&mut self, request: RequestId, env: Environment, account: &str, ticket: TicketDraft) {
        match self.accounts.client(env, account) {
            Ok((account, client)) => self.spawn(open_chat(self.shared.clone(), account, client, request, ticket)),
            Err(e) => self.shared.events.send(Event::ChatStartFailed { request, message: e.to_string(), field: None }),
        }
    }

    pub(super) fn send_text(&mut self, env: Environment, account: &str, customer_id: String, text: String) {
        match self.accounts.client(env, account) {
            Ok((account, client)) => self.spawn(post_text(self.shared.clone(), account, client, customer_id, text)),
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
    }

    /// A customer typing event; a refusal is said once (a warning: the chat goes on).
    pub(super) fn send_typing(&mut self, env: Environment, account: &str, customer_id: String) {
        match self.accounts.client(env, account) {
            Ok((account, client)) => {
                let shared = self.shared.clone();
                self.spawn(async move {
                    let customer = known_customer(&shared, &account.name, &customer_id);
                    if let Err(e) = client.send_typing(&customer).await {
                        shared.toast(ToastLevel::Warning, format!("Typing event not sent: {}", e.user_message()));
                    }
                });
            }
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
    }

    pub(super) fn send_image(&mut self, env: Environment, account: &str, customer_id: String, path: PathBuf) {
        match self.accounts.client(env, account) {
            Ok((account, client)) => self.spawn(post_image(self.shared.clone(), account, client, customer_id, path)),
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
    }

    pub(super) fn send_receipt(
        &mut self,
        env: Environment,
        account: &str,
        target: ReceiptTarget,
        outcome: ReceiptOutcome,
    ) {
        match self.accounts.client(env, account) {
            Ok((_, client)) => {
                self.spawn(post_receipt(self.shared.clone(), client, target, outcome));
            }
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
    }
}
