//! Files the listener serves at `GET /media/{id}` so Genesys can fetch customer
//! images by public URL (inbound attachments are passed by URL; README "Getting a
//! public https URL").
//!
//! A registered file is copied into the media folder under an unguessable id
//! (uuid v4, 122 random bits + the extension kept for the `Content-Type`), so
//! moving or editing the original does not change what was sent, and nothing
//! outside the media folder can ever be served. Ids persist in SQLite so links
//! in sent messages survive a restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::storage::WriterHandle;

/// Why a media file could not be registered or loaded.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("cannot read {path}: {source} (check the file exists and is readable)")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot copy into the media folder {path}: {source} (check the folder is writable)")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Storage(#[from] crate::storage::Error),
}

/// An unguessable media id (32 lowercase hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaId(pub String);

impl std::fmt::Display for MediaId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The public URL Genesys fetches a media file from: `<base>/media/<id>`.
pub fn public_media_url(public_base: &str, id: &MediaId) -> String {
    format!("{}/media/{}", public_base.trim_end_matches('/'), id)
}

/// True for strings shaped like a [`MediaId`] (so odd paths never reach the map or the disk).
pub fn is_media_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The registered media files.
#[derive(Debug)]
pub struct MediaStore {
    dir: PathBuf,
    files: RwLock<HashMap<String, PathBuf>>,
    writer: Option<WriterHandle>,
}

impl MediaStore {
    /// A store copying into `dir`, with the ids already recorded in the history (if any).
    pub async fn load(dir: PathBuf, writer: Option<WriterHandle>) -> Result<MediaStore, MediaError> {
        let mut files = HashMap::new();
        if let Some(writer) = &writer {
            for record in writer.call(|db| db.list_media()).await?? {
                files.insert(record.id, PathBuf::from(record.path));
            }
        }
        Ok(MediaStore { dir, files: RwLock::new(files), writer })
    }

    /// Copies `path` into the media folder and returns its new id.
    pub async fn register(&self, path: &Path) -> Result<MediaId, MediaError> {
        let id = MediaId(uuid::Uuid::new_v4().simple().to_string());
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 10 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|e| format!(".{}", e.to_ascii_lowercase()))
            .unwrap_or_default();
        let target = self.dir.join(format!("{id}{ext}"));
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || crate::storage::create_private_dir(&dir))
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r)
            .map_err(|source| MediaError::Write { path: self.dir.display().to_string(), source })?;
        if let Err(source) = tokio::fs::metadata(path).await {
            return Err(MediaError::Read { path: path.display().to_string(), source });
        }
        copy_private(path, &target)
            .await
            .map_err(|source| MediaError::Write { path: target.display().to_string(), source })?;
        if let Some(writer) = &self.writer {
            let (key, value) = (id.0.clone(), target.display().to_string());
            writer.call(move |db| db.insert_media(&key, &value)).await??;
        }
        if let Ok(mut files) = self.files.write() {
            files.insert(id.0.clone(), target);
        }
        Ok(id)
    }

    /// The file behind an id.
    pub fn path(&self, id: &str) -> Option<PathBuf> {
        if !is_media_id(id) {
            return None;
        }
        self.files.read().ok()?.get(id).cloned()
    }
}

/// Copies `from` to a new file `to` readable by the user only (0600 on Unix):
/// customer attachments are as private as the history.
async fn copy_private(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = tokio::fs::File::open(from).await?;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut target = options.open(to).await?;
    tokio::io::copy(&mut source, &mut target).await?;
    target.sync_all().await
}
