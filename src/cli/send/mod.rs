//! `genesys-desk send`: the "raise ticket" fields become the customer and
//! custom attributes; prints the Genesys message id and conversation id.
//!
//! With `--follow` it first starts a webhook listener for the account (history
//! in the home's database), sends, then prints each agent delivery and each
//! presence event of the conversation (notifications socket) as they arrive,
//! until the conversation ends or `--timeout`; exit 0 only if an agent replied.
//! A local `--image` file needs that listener: it serves the file at `/media/<id>`.

mod follow;
mod print;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::verify::{AccountArgs, resolve_account};
use super::{CliError, CliResult};
use crate::config::{Account, Environment, Paths};
use crate::engine::bind::{DEFAULT_LISTENER_ADDR, parse_bind};
use crate::engine::{self, Command, EngineConfig, Event, HeadlessEngine, HeadlessEvent, RequestId};
use crate::genesys::{Customer, ImageRef, InboundMessage, SentMessage};
use crate::model::TicketDraft;

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub target: AccountArgs,
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
    /// Image as a public URL, or (with --follow) a local file the listener serves at /media.
    #[arg(long)]
    pub image: Option<String>,
    /// Extra custom attribute KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// --follow and its options (boxed: keeps the clap command enum small).
    #[command(flatten)]
    pub follow: Box<FollowArgs>,
}

/// `send --follow` options.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Keep running after the send: start a webhook listener and print agent
    /// replies and agent joined/left/wrap-up events until the conversation ends.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, requires = "follow")]
    pub timeout: u64,
    /// With --follow: listener bind address (default 127.0.0.1:8787; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", requires = "follow")]
    pub listen: Option<String>,
    /// With --follow: answer the first structured message (quick replies,
    /// cards, dates) with its option N, as numbered in the output.
    #[arg(long = "reply-with", value_name = "N", requires = "follow", value_parser = clap::value_parser!(u32).range(1..))]
    pub reply_with: Option<u32>,
}

/// What `--image` names: a public URL, or a local file the `--follow`
/// listener serves at `/media/<id>`.
#[derive(Debug)]
enum ImageArg {
    Url(ImageRef),
    Local(PathBuf),
}

fn image_arg(image: &str, follow: bool) -> Result<ImageArg, CliError> {
    let lower = image.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return ImageRef::from_url(image)
            .map(ImageArg::Url)
            .map_err(|e| CliError::Usage(format!("--image: {}", e.user_message())));
    }
    if !follow {
        // Genesys downloads attachments itself, so a local file needs a server
        // that outlives the send: only the --follow listener is one.
        return Err(CliError::Usage(format!(
            "--image \"{image}\" is a local file: Genesys downloads attachments by public URL. Add --follow so this command \
             runs a listener that serves the file (at the account's public webhook base URL, or locally for the \
             emulator), or pass a public --image https://..."
        )));
    }
    let path = PathBuf::from(image);
    if !path.is_file() {
        return Err(CliError::Usage(format!(
            "--image \"{image}\": no such file: give the path of an image file, or a public https:// URL"
        )));
    }
    Ok(ImageArg::Local(path))
}

/// `--attr KEY=VALUE`: split at the first `=` (values may contain `=`).
fn attribute_arg(arg: &str) -> Result<(String, String), CliError> {
    arg.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| CliError::Usage(format!("--attr \"{arg}\" is not KEY=VALUE: write it like orderId=12345")))
}

pub fn run(home: Option<PathBuf>, args: SendArgs) -> CliResult {
    let draft = TicketDraft {
        email: args.email.clone(),
        name: args.name.clone().unwrap_or_default(),
        mobile: args.mobile.clone().unwrap_or_default(),
        query: args.query.clone().unwrap_or_default(),
        priority: args.priority.clone().unwrap_or_default(),
        text: args.text.clone().unwrap_or_default(),
        after_assignment_message: String::new(),
        attributes: args.attrs.iter().map(|a| attribute_arg(a)).collect::<Result<_, _>>()?,
    };
    let ticket = draft
        .parse()
        .map_err(|errors| CliError::Usage(errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")))?;
    for warning in &ticket.warnings {
        eprintln!("warning: {warning}");
    }
    let image = args.image.as_deref().map(|i| image_arg(i, args.follow.follow)).transpose()?;
    let account = resolve_account(home.clone(), &args.target)?;
    let (image, local_image) = match image {
        Some(ImageArg::Url(image)) => (Some(image), None),
        Some(ImageArg::Local(path)) => (None, Some(path)),
        None => (None, None),
    };
    let message = InboundMessage {
        customer: Customer::from_ticket(&ticket),
        text: Some(ticket.text.clone()),
        image,
        custom_attributes: ticket.custom_attributes.clone(),
    };
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let post = Post { account, message, local_image };
    if !args.follow.follow {
        return send_once(paths, post, args.json);
    }
    let text = args.follow.listen.as_deref().map_or(DEFAULT_LISTENER_ADDR.to_string(), str::to_string);
    let bind = parse_bind(&text, DEFAULT_LISTENER_ADDR).map_err(|e| CliError::Usage(format!("--listen {e}")))?;
    if let Some(path) = &post.local_image {
        media_base_check(&post.account, path)?;
    }
    let follow = follow::Follow {
        bind,
        // The explicit --host form has no stored name, so its listener accepts
        // whatever /hooks/<name> the integration's webhook URL uses.
        any_path: args.target.account.is_none(),
        timeout: Duration::from_secs(args.follow.timeout),
        json: args.json,
        reply_with: args.follow.reply_with.map(|n| n as usize),
    };
    let runtime = super::runtime()?;
    runtime.block_on(follow.run(runtime.handle(), paths, post))
}

/// The message to post, for the account it is posted as.
struct Post {
    account: Account,
    message: InboundMessage,
    local_image: Option<PathBuf>,
}

impl Post {
    /// The engine command that posts it.
    fn command(&self, request: RequestId, watch: bool) -> Command {
        Command::SendMessage {
            request,
            env: Environment::Development,
            account: self.account.name.clone(),
            message: Box::new(self.message.clone()),
            local_image: self.local_image.clone(),
            watch,
        }
    }
}

/// A plain send: posts and prints Genesys' answer (no history is kept).
fn send_once(paths: Paths, post: Post, json: bool) -> CliResult {
    let runtime = super::runtime()?;
    let config = EngineConfig { in_memory_history: true, ..EngineConfig::headless(paths, vec![post.account.clone()]) };
    let mut engine = engine::spawn_headless(runtime.handle(), config);
    let request = RequestId(1);
    engine.send(post.command(request, false));
    let sent = runtime.block_on(sent(&mut engine, request, |_| {}));
    runtime.block_on(engine.shutdown());
    let (message, sent) = sent?;
    print::sent(&sent, &message, json, false);
    Ok(())
}

/// Waits for the answer to the send `request`; other events go to `other`.
async fn sent(
    engine: &mut HeadlessEngine,
    request: RequestId,
    mut other: impl FnMut(Event),
) -> Result<(InboundMessage, Box<SentMessage>), CliError> {
    while let Some(event) = engine.next().await {
        match event {
            Event::Headless(HeadlessEvent::MessageSent { request: answered, message, result })
                if answered == request =>
            {
                return result.map(|sent| (*message, sent)).map_err(|failure| CliError::Failed(failure.message));
            }
            event => other(event),
        }
    }
    Err(CliError::Failed("the engine stopped before the message was sent".into()))
}

/// A local image is fetched by Genesys from the account's public base URL; only
/// a custom (local) host such as the emulator can fetch it from the listener itself.
fn media_base_check(account: &Account, path: &Path) -> Result<(), CliError> {
    if engine::public_base_required(account) {
        return Err(CliError::Usage(format!(
            "--image {}: Genesys Cloud fetches images by public URL, and {} has no public webhook base URL. \
             Set it to your tunnel's https address (genesys-desk accounts add ... --public-webhook-base https://...) \
             so the listener can serve the file, or pass a public --image https://...",
            path.display(),
            account.name
        )));
    }
    Ok(())
}
