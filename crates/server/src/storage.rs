//! Where file bytes live, behind one small interface: a folder under the data dir (one node), or
//! an S3-compatible object store (any number of nodes share it). Keys are always made by the
//! server (`files/2026-12/<uuid>`, `avatars/<uuid>-128.jpg`), never taken from a client; the
//! local backend refuses anything else, so no key can name a path outside its folder.
//!
//! An upload is first spooled to `<data_dir>/tmp` (see [`Storage::spool_path`]) while it is read,
//! typed and hashed; only a complete, accepted file is then moved in ([`Storage::put_file`]):
//! a rename locally, a streamed multipart upload to S3. Nothing is held in memory whole.

use std::io::SeekFrom;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Bytes read from a stored object, in pieces.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// S3 parts are 5 MiB (the smallest S3 allows but the last); two in flight at most.
const S3_PART: usize = 5 * 1024 * 1024;
const S3_PARTS_IN_FLIGHT: usize = 2;
/// Reads from a spooled file or a local object, at a time.
const READ_CHUNK: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct S3Config {
    pub bucket: String,
    /// e.g. http://127.0.0.1:9000 for MinIO or moto; unset for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

#[derive(Clone)]
pub enum Storage {
    Local { root: PathBuf, spool: PathBuf },
    S3 { store: Arc<AmazonS3>, spool: PathBuf, bucket: String },
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no such object")]
    NotFound,
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Store(object_store::Error),
    #[error("refused storage key {0:?}")]
    BadKey(String),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other => StorageError::Store(other),
        }
    }
}

impl Storage {
    /// The local folder (`<data_dir>/files…`), or S3 when `s3` is given. Creates the spool folder
    /// and empties it of uploads a previous run left half-read.
    pub async fn open(data_dir: &Path, s3: Option<S3Config>) -> anyhow::Result<Storage> {
        let spool = data_dir.join("tmp");
        tokio::fs::create_dir_all(&spool).await?;
        let mut leftovers = tokio::fs::read_dir(&spool).await?;
        while let Some(entry) = leftovers.next_entry().await? {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
        Ok(match s3 {
            None => Storage::Local { root: data_dir.to_path_buf(), spool },
            Some(s3) => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_virtual_hosted_style_request(false);
                if let Some(endpoint) = &s3.endpoint {
                    builder =
                        builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some(key) = &s3.access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let store = Arc::new(builder.build()?);
                Storage::S3 { store, spool, bucket: s3.bucket }
            }
        })
    }

    /// Where an upload in progress is written: a fresh name in the spool folder.
    pub fn spool_path(&self) -> PathBuf {
        let spool = match self {
            Storage::Local { spool, .. } | Storage::S3 { spool, .. } => spool,
        };
        spool.join(format!("{}.part", uuid::Uuid::now_v7()))
    }

    /// A short description for the start-up log line.
    pub fn describe(&self) -> String {
        match self {
            Storage::Local { root, .. } => format!("local folder {}", root.display()),
            Storage::S3 { bucket, .. } => format!("S3 bucket {bucket}"),
        }
    }

    /// Moves a complete spooled file in under `key` (the spool file is gone afterwards).
    pub async fn put_file(&self, key: &str, spooled: &Path) -> Result<(), StorageError> {
        match self {
            Storage::Local { root, .. } => {
                let target = local_path(root, key)?;
                if let Some(parent) = target.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                tokio::fs::rename(spooled, &target).await?;
                Ok(())
            }
            Storage::S3 { store, .. } => {
                let path = object_store::path::Path::from(key);
                let size = tokio::fs::metadata(spooled).await?.len();
                let mut file = tokio::fs::File::open(spooled).await?;
                if size <= S3_PART as u64 {
                    let mut bytes = Vec::with_capacity(size as usize);
                    file.read_to_end(&mut bytes).await?;
                    store.put(&path, PutPayload::from(bytes)).await?;
                } else {
                    let upload = store.put_multipart(&path).await?;
                    let mut writer = WriteMultipart::new_with_chunk_size(upload, S3_PART);
                    let mut buf = vec![0u8; READ_CHUNK];
                    loop {
                        let n = match file.read(&mut buf).await {
                            Ok(n) => n,
                            Err(e) => {
                                let _ = writer.abort().await;
                                return Err(e.into());
                            }
                        };
                        if n == 0 {
                            break;
                        }
                        if let Err(e) = writer.wait_for_capacity(S3_PARTS_IN_FLIGHT).await {
                            let _ = writer.abort().await;
                            return Err(e.into());
                        }
                        writer.write(&buf[..n]);
                    }
                    // An upload that fails (or is dropped) midway leaves parts the bucket's
                    // lifecycle rule for incomplete multipart uploads removes (docs: README).
                    writer.finish().await?;
                }
                tokio::fs::remove_file(spooled).await?;
                Ok(())
            }
        }
    }

    /// Stores small bytes made by the server (thumbnails, avatars).
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        match self {
            Storage::Local { root, spool } => {
                let target = local_path(root, key)?;
                if let Some(parent) = target.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                // Written beside, then renamed: a reader never sees half a file.
                let staged = spool.join(format!("{}.part", uuid::Uuid::now_v7()));
                let written = async {
                    tokio::fs::write(&staged, bytes).await?;
                    tokio::fs::rename(&staged, &target).await
                }
                .await;
                if written.is_err() {
                    let _ = tokio::fs::remove_file(&staged).await;
                }
                Ok(written?)
            }
            Storage::S3 { store, .. } => {
                store.put(&object_store::path::Path::from(key), PutPayload::from(bytes)).await?;
                Ok(())
            }
        }
    }

    /// The object's bytes, or the given inclusive byte range of them.
    pub async fn get(
        &self,
        key: &str,
        range: Option<RangeInclusive<u64>>,
    ) -> Result<ByteStream, StorageError> {
        match self {
            Storage::Local { root, .. } => {
                let path = local_path(root, key)?;
                let mut file = match tokio::fs::File::open(&path).await {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StorageError::NotFound),
                    Err(e) => return Err(e.into()),
                };
                let length = match range {
                    Some(range) => {
                        file.seek(SeekFrom::Start(*range.start())).await?;
                        range.end() - range.start() + 1
                    }
                    None => u64::MAX,
                };
                let reader = tokio::io::AsyncReadExt::take(file, length);
                Ok(Box::pin(tokio_util::io::ReaderStream::with_capacity(reader, READ_CHUNK)))
            }
            Storage::S3 { store, .. } => {
                let options = GetOptions {
                    range: range.map(|r| GetRange::Bounded(*r.start()..r.end() + 1)),
                    ..GetOptions::default()
                };
                let result = store.get_opts(&object_store::path::Path::from(key), options).await?;
                Ok(Box::pin(result.into_stream().map_err(std::io::Error::other)))
            }
        }
    }

    /// The whole object in memory: for images the server decodes (bounded by the upload limit).
    pub async fn read_all(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let mut stream = self.get(key, None).await?;
        let mut bytes = Vec::new();
        while let Some(piece) = stream.next().await {
            bytes.extend_from_slice(&piece?);
        }
        Ok(bytes)
    }

    /// Removes an object; one that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self {
            Storage::Local { root, .. } => match tokio::fs::remove_file(local_path(root, key)?).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
            Storage::S3 { store, .. } => match store.delete(&object_store::path::Path::from(key)).await {
                Err(e) if !matches!(e, object_store::Error::NotFound { .. }) => Err(e.into()),
                _ => Ok(()),
            },
        }
    }
}

/// The path of a key under the local root. Keys are the server's own; anything but
/// `[a-z0-9-]` segments with an optional `.ext` is refused, so `..`, absolute paths, NULs and
/// backslashes can never reach the file system.
fn local_path(root: &Path, key: &str) -> Result<PathBuf, StorageError> {
    let segment_ok = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !s.contains("..")
    };
    let segments: Vec<&str> = key.split('/').collect();
    if segments.len() > 4 || !segments.iter().all(|s| segment_ok(s)) {
        return Err(StorageError::BadKey(key.to_string()));
    }
    let mut path = root.to_path_buf();
    path.extend(segments);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_made_keys_map_to_paths_under_the_root() {
        let root = Path::new("/data");
        assert_eq!(
            local_path(root, "files/2026-12/0193a1b2-c3d4").ok(),
            Some(PathBuf::from("/data/files/2026-12/0193a1b2-c3d4"))
        );
        assert!(local_path(root, "avatars/0193-128.jpg").is_ok());
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "files/../../x",
            "files/a\0b",
            "files\\x",
            "",
            "files//x",
            ".hidden",
            "Files/X",
        ] {
            assert!(local_path(root, bad).is_err(), "{bad:?} was accepted");
        }
    }
}
