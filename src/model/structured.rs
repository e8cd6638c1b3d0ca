//! Structured (rich) content of an agent message: quick replies, cards,
//! carousels, date pickers, list pickers, notification templates. Read from
//! the message's `content[]` (models `ConversationMessageContent`,
//! `ConversationContentQuickReply`, `…QuickReplyV2`, `…Card`, `…CardAction`,
//! `…Carousel`, `…DatePicker`, `…ListPicker`, `…NotificationTemplate`:
//! https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).
//! Which sub-object each `contentType` uses is not documented; the field of the
//! same name is assumed (`Notification` → `template`, unconfirmed). A response,
//! so every field is optional and an unknown type is kept by name.

use serde::Deserialize;
use serde_json::Value;

/// One element a chat shows for a structured message.
#[derive(Debug, Clone, PartialEq)]
pub enum Structured {
    /// Quick replies (consecutive `QuickReply` items, or one `QuickReplyV2`).
    QuickReplies {
        title: Option<String>,
        replies: Vec<Reply>,
    },
    Card(Card),
    Carousel(Vec<Card>),
    DatePicker {
        title: Option<String>,
        subtitle: Option<String>,
        times: Vec<String>,
    },
    ListPicker {
        sections: Vec<(Option<String>, Vec<String>)>,
    },
    /// A notification template as text (header, body, footer, button texts).
    Template(String),
    /// A content type this build does not draw, by name.
    Unknown(String),
}

/// A quick reply: what it shows and what it answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reply {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub payload: String,
    #[serde(default)]
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub actions: Vec<CardAction>,
}

/// `ConversationContentCardAction`: `type` is `Link`, `Postback` or `Unknown`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct CardAction {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub payload: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl CardAction {
    /// A link opens its URL; anything else answers with a button response.
    pub fn is_link(&self) -> bool {
        self.kind.as_deref() == Some("Link") && self.url.is_some()
    }
}

/// One answer a customer can give to a structured message, in the order the
/// message shows them: (kind for `ContentButtonResponse.type`, text, payload).
pub fn answers(items: &[Structured]) -> Vec<(&'static str, String, String)> {
    let card_answers = |card: &Card| -> Vec<(&'static str, String, String)> {
        card.actions
            .iter()
            .filter(|a| !a.is_link())
            .map(|a| {
                let text = a.text.clone().unwrap_or_else(|| "Open".into());
                ("Button", text.clone(), a.payload.clone().unwrap_or(text))
            })
            .collect()
    };
    items
        .iter()
        .flat_map(|item| match item {
            Structured::QuickReplies { replies, .. } => {
                replies.iter().map(|r| ("QuickReply", r.text.clone(), r.payload.clone())).collect()
            }
            Structured::Card(card) => card_answers(card),
            Structured::Carousel(cards) => cards.iter().flat_map(card_answers).collect(),
            Structured::DatePicker { times, .. } => {
                times.iter().map(|t| ("DatePicker", t.clone(), t.clone())).collect()
            }
            _ => Vec::new(),
        })
        .collect()
}

/// The structured elements of a message body (`raw`: the webhook JSON).
pub fn parse(raw: &str) -> Vec<Structured> {
    let Ok(value) = serde_json::from_str::<Value>(raw) else { return Vec::new() };
    let Some(items) = value.get("content").and_then(Value::as_array) else { return Vec::new() };
    let mut out: Vec<Structured> = Vec::new();
    for item in items {
        let kind = item.get("contentType").and_then(Value::as_str).unwrap_or_default();
        let field = |name: &str| item.get(name).cloned().unwrap_or(Value::Null);
        match kind {
            "QuickReply" => {
                let Ok(reply) = serde_json::from_value::<Reply>(field("quickReply")) else { continue };
                match out.last_mut() {
                    Some(Structured::QuickReplies { replies, .. }) => replies.push(reply),
                    _ => out.push(Structured::QuickReplies { title: None, replies: vec![reply] }),
                }
            }
            "QuickReplyV2" => {
                let v2 = field("quickReplyV2");
                let title = v2.get("title").and_then(Value::as_str).map(str::to_string);
                let replies =
                    serde_json::from_value(v2.get("actions").cloned().unwrap_or_default()).unwrap_or_default();
                out.push(Structured::QuickReplies { title, replies });
            }
            "Card" => out.push(Structured::Card(serde_json::from_value(field("card")).unwrap_or_default())),
            "Carousel" => {
                let cards = field("carousel").get("cards").cloned().unwrap_or_default();
                out.push(Structured::Carousel(serde_json::from_value(cards).unwrap_or_default()));
            }
            "DatePicker" => out.push(date_picker(&field("datePicker"))),
            "ListPicker" => out.push(list_picker(&field("listPicker"))),
            "Notification" => out.push(Structured::Template(template_text(&field("template")))),
            "Attachment" | "ButtonResponse" | "Text" => {}
            other => out.push(Structured::Unknown(other.to_string())),
        }
    }
    out
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn date_picker(v: &Value) -> Structured {
    let times = v
        .get("availableTimes")
        .and_then(Value::as_array)
        .map(|ts| ts.iter().filter_map(|t| text(t, "dateTime")).collect())
        .unwrap_or_default();
    Structured::DatePicker { title: text(v, "title"), subtitle: text(v, "subtitle"), times }
}

fn list_picker(v: &Value) -> Structured {
    let sections = v
        .get("sections")
        .and_then(Value::as_array)
        .map(|sections| {
            sections
                .iter()
                .map(|s| {
                    let items = s.get("items").and_then(Value::as_array);
                    let titles = items.map(|i| i.iter().filter_map(|i| text(i, "title")).collect()).unwrap_or_default();
                    (text(s, "title"), titles)
                })
                .collect()
        })
        .unwrap_or_default();
    Structured::ListPicker { sections }
}

fn template_text(v: &Value) -> String {
    let part = |key: &str| v.get(key).and_then(|p| text(p, "text"));
    let buttons: Vec<String> = v
        .get("buttons")
        .and_then(Value::as_array)
        .map(|b| b.iter().filter_map(|b| text(b, "text")).collect())
        .unwrap_or_default();
    let mut lines: Vec<String> = [part("header"), part("body"), part("footer")].into_iter().flatten().collect();
    if !buttons.is_empty() {
        lines.push(format!("[{}]", buttons.join("] [")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests;
