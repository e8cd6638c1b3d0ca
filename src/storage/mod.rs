//! SQLite history of traffic and chats.
