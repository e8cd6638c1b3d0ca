//! What the emulator serves and grants: [`EmulatorConfig`] and [`Permission`].

use std::collections::HashSet;
use std::time::Duration;

use crate::config::defaults;

/// A permission the emulator can grant or deny. The strings are the ones the
/// SDK docs list per operation, e.g.
/// https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/ConversationsApi.md
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `messaging:integration:view`: get/list integrations.
    IntegrationView,
    /// `messaging:integration:edit`: PATCH the integration.
    IntegrationEdit,
    /// `conversation:message:receive`: the inbound endpoints.
    MessageReceive,
    /// `messaging:setting:view`: GET a messaging setting.
    MessagingSettingView,
    /// `conversation:threadingTimeline:view`: GET the threading timeline.
    ThreadingTimelineView,
    /// `routing:message:manage`: GET a message routing recipient.
    RoutingMessageManage,
    /// `messaging:supportedContent:view`: GET a supported content profile.
    SupportedContentView,
    /// `messaging:integration:add`: create an integration (POST).
    IntegrationAdd,
    /// `conversation:message:view`: a message's details (its delivery status).
    MessageView,
}

impl Permission {
    /// Every permission (the default grant).
    pub const ALL: [Permission; 9] = [
        Permission::MessageView,
        Permission::IntegrationAdd,
        Permission::IntegrationView,
        Permission::IntegrationEdit,
        Permission::MessageReceive,
        Permission::MessagingSettingView,
        Permission::ThreadingTimelineView,
        Permission::RoutingMessageManage,
        Permission::SupportedContentView,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::IntegrationView => "messaging:integration:view",
            Permission::IntegrationEdit => "messaging:integration:edit",
            Permission::MessageReceive => "conversation:message:receive",
            Permission::MessagingSettingView => "messaging:setting:view",
            Permission::ThreadingTimelineView => "conversation:threadingTimeline:view",
            Permission::RoutingMessageManage => "routing:message:manage",
            Permission::SupportedContentView => "messaging:supportedContent:view",
            Permission::IntegrationAdd => "messaging:integration:add",
            Permission::MessageView => "conversation:message:view",
        }
    }
}

/// The id of the integration's messaging setting (its `messagingSetting.id`
/// and the path of `GET /api/v2/conversations/messaging/settings/{id}`).
pub const MESSAGING_SETTING_ID: &str = "e3a1d0c2-5b7f-4c1e-9a0d-00000000e003";

/// The integration's routing recipient (`recipient.id`).
pub const RECIPIENT_ID: &str = "e3a1d0c2-5b7f-4c1e-9a0d-00000000e004";

/// The integration's supported content profile (`supportedContent.id`).
pub const SUPPORTED_CONTENT_ID: &str = "webMessagingDefault";

/// Genesys' default threading timeline for a disconnected conversation (72 h,
/// the emulator's default; the real value is per org and messenger type, see
/// https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/ConversationThreadingWindow.md).
pub const DEFAULT_THREADING_TIMELINE: Duration = Duration::from_secs(72 * 3600);

/// What the emulator serves and how it behaves.
#[derive(Clone)]
pub struct EmulatorConfig {
    pub client_id: String,
    pub client_secret: String,
    pub integration_id: String,
    pub integration_name: String,
    /// Where the agent posts; `None` = the integration has no webhook.
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    /// `Completed` normally; `Initiated` or `Error` to test verify.
    pub create_status: String,
    /// Return the secret token in integration responses (false = omit it, as
    /// a live org might).
    pub expose_webhook_secret: bool,
    /// Granted permissions (all by default).
    pub permissions: HashSet<Permission>,
    /// `expires_in` of issued tokens.
    pub token_lifetime: Duration,
    /// Genesys' webhook rules: 10 s timeout, 5 retries, 5 s apart.
    pub delivery_timeout: Duration,
    pub delivery_retries: u32,
    pub delivery_retry_delay: Duration,
    /// The scripted agent answers each customer message.
    pub agent_enabled: bool,
    pub agent_typing_delay: Duration,
    pub agent_reply_delay: Duration,
    /// The messaging setting's `event.typing.on.outbound` is `Enabled`: the
    /// agent sends typing events before answering (off = it never does).
    pub outbound_typing: bool,
    /// The messaging setting's `event.typing.on.inbound` is `Enabled`.
    pub inbound_typing: bool,
    /// The routing recipient has an inbound message flow (off: messages are not routed).
    pub message_flow: bool,
    /// The supported content profile allows `image/*` both ways (off: only `video/*`).
    pub images_allowed: bool,
    /// An integration created through the API answers `createStatus: Initiated`
    /// to this many reads, then `Completed` (Genesys creates them asynchronously).
    pub create_reads: u32,
    /// After a conversation disconnects, a message from the same customer
    /// within this time continues it; later ones start a new conversation.
    pub threading_timeline: Duration,
    /// Requests per window each OAuth client may make to `/api/v2/...`;
    /// `None` = unlimited. Over it: 429 with `Retry-After`.
    pub rate_limit_per_minute: Option<u32>,
    /// The window of `rate_limit_per_minute` (one minute; tests shorten it).
    pub rate_limit_window: Duration,
    /// Also send the `inin-ratelimit-*` headers Genesys removed in 2021
    /// (off by default, as on a live org).
    pub legacy_ratelimit_headers: bool,
    /// Base URL for download links (default: the bound address).
    pub public_base: Option<String>,
    /// The agent's user id in notification events.
    pub agent_user_id: String,
    /// After answering a message that says "bye", the agent leaves and wraps
    /// up after this pause (user.end, customer.end, acw on the notifications socket).
    pub agent_leave_delay: Duration,
    /// Heartbeat interval of the notifications socket.
    pub notifications_heartbeat: Duration,
    /// When not empty, conversation detail topics are rejected with these
    /// missing permissions (tests the permission message).
    pub notifications_missing_permissions: Vec<String>,
    /// Queue wait, slow or absent answers, transfers, wrap-up, retried deliveries.
    pub script: super::script::AgentScript,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("client_id", &self.client_id)
            .field("integration_id", &self.integration_id)
            .field("integration_name", &self.integration_name)
            .field("webhook_url", &self.webhook_url)
            .field("create_status", &self.create_status)
            .field("permissions", &self.permissions)
            .field("outbound_typing", &self.outbound_typing)
            .field("threading_timeline", &self.threading_timeline)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            client_id: defaults::EMULATOR_CLIENT_ID.into(),
            client_secret: defaults::EMULATOR_CLIENT_SECRET.into(),
            integration_id: defaults::EMULATOR_INTEGRATION_ID.into(),
            integration_name: defaults::EMULATOR_INTEGRATION_NAME.into(),
            webhook_url: Some(defaults::EMULATOR_WEBHOOK_URL.into()),
            webhook_secret: defaults::EMULATOR_WEBHOOK_SECRET.into(),
            create_status: "Completed".into(),
            expose_webhook_secret: true,
            permissions: Permission::ALL.into_iter().collect(),
            token_lifetime: Duration::from_secs(86_399),
            delivery_timeout: Duration::from_secs(10),
            delivery_retries: 5,
            delivery_retry_delay: Duration::from_secs(5),
            agent_enabled: true,
            agent_typing_delay: Duration::from_millis(300),
            agent_reply_delay: Duration::from_millis(800),
            outbound_typing: true,
            inbound_typing: true,
            message_flow: true,
            images_allowed: true,
            create_reads: 2,
            threading_timeline: DEFAULT_THREADING_TIMELINE,
            rate_limit_per_minute: None,
            rate_limit_window: Duration::from_secs(60),
            legacy_ratelimit_headers: false,
            public_base: None,
            agent_user_id: "emulator-agent-0001".into(),
            agent_leave_delay: Duration::from_millis(800),
            notifications_heartbeat: Duration::from_secs(30),
            notifications_missing_permissions: Vec::new(),
            script: super::script::AgentScript::default(),
        }
    }
}
