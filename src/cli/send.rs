//! `genesys-desk send`: the "raise ticket" fields become the customer and
//! custom attributes; prints the Genesys message id and conversation id.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::verify::{AccountArgs, resolve_account};
use super::{CliError, CliResult};
use crate::genesys::{Client, ClientOptions, ImageRef, InboundMessage, TicketDraft};

#[derive(Debug, Args)]
pub struct SendArgs {
    /// A stored account; or give --host, --client-id and --integration-id.
    pub account: Option<String>,
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long = "client-id")]
    pub client_id: Option<String>,
    #[arg(long = "integration-id")]
    pub integration_id: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    pub env: Option<String>,
    /// Customer email (mandatory): also the customer id.
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub mobile: Option<String>,
    #[arg(long)]
    pub query: Option<String>,
    #[arg(long)]
    pub priority: Option<String>,
    /// Message text (defaults to the query).
    #[arg(long)]
    pub text: Option<String>,
    /// Image as a public URL, or a local path served by the listener's /media.
    #[arg(long)]
    pub image: Option<String>,
    /// Extra custom attribute KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

/// `--image`: a public URL now; local files need the listener's `/media`
/// behind a public tunnel, which this command does not run.
fn image_ref(image: &str) -> Result<ImageRef, CliError> {
    let lower = image.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return ImageRef::from_url(image).map_err(|e| CliError::Usage(format!("--image: {}", e.user_message())));
    }
    Err(CliError::Usage(format!(
        "--image \"{image}\" is a local file: Genesys downloads attachments by URL, so it needs a public URL. Upload the file somewhere public (or serve it through your tunnel) and pass --image https://..."
    )))
}

pub fn run(home: Option<PathBuf>, args: SendArgs) -> CliResult {
    let draft = TicketDraft {
        email: args.email.clone(),
        name: args.name.clone().unwrap_or_default(),
        mobile: args.mobile.clone().unwrap_or_default(),
        query: args.query.clone().unwrap_or_default(),
        priority: args.priority.clone().unwrap_or_default(),
        text: args.text.clone().unwrap_or_default(),
        attrs: args.attrs.clone(),
    };
    let ticket = draft
        .parse()
        .map_err(|errors| CliError::Usage(errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")))?;
    for warning in &ticket.warnings {
        eprintln!("warning: {warning}");
    }
    let image = args.image.as_deref().map(image_ref).transpose()?;
    let account = resolve_account(
        home,
        AccountArgs {
            account: args.account.as_deref(),
            host: args.host.as_deref(),
            client_id: args.client_id.as_deref(),
            integration_id: args.integration_id.as_deref(),
            env: args.env.as_deref(),
        },
    )?;
    let message = InboundMessage {
        customer: ticket.customer.clone(),
        text: Some(ticket.text.clone()),
        image,
        custom_attributes: ticket.custom_attributes.clone(),
    };
    let runtime = crate::runtime::build().map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    let client =
        Client::new(&account, ClientOptions::default(), None).map_err(|e| CliError::Failed(e.user_message()))?;
    let sent = runtime.block_on(client.send_message(&message)).map_err(|e| CliError::Failed(e.user_message()))?;
    if args.json {
        println!(
            "{}",
            json!({
                "ok": true,
                "messageId": sent.id,
                "conversationId": sent.conversation_id,
                "correlationId": sent.correlation_id,
                "customerId": ticket.customer.id,
                "customAttributes": ticket.custom_attributes,
            })
        );
    } else {
        println!("message id:      {}", sent.id);
        println!("conversation id: {}", sent.conversation_id.as_deref().unwrap_or("(not returned)"));
        println!("customer id:     {} ({})", ticket.customer.id, ticket.customer.id_type);
        if let Some(c) = &sent.correlation_id {
            println!("correlation id:  {c}");
        }
    }
    Ok(())
}
