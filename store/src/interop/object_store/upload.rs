//! The multipart upload of [`AsObjectStore`](super::AsObjectStore): parts go, in the order
//! `put_part` was called, into one tokio atomic writer, whatever order their futures run in.
//! A part whose turn has not come is parked until the parts before it arrive; memory holds
//! only the parts the caller has in flight.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use object_store::path::Path;
use object_store::{MultipartUpload, PutPayload, PutResult, UploadPart};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use super::errors::to_object_store;
use crate::atomic::AsyncAtomicWriter;
use crate::error::Error;

/// What the parts share.
struct State {
    /// `None` once completed or aborted.
    writer: Option<AsyncAtomicWriter>,
    /// The ticket of the next part to write.
    next: u64,
    /// Parts that arrived before their turn.
    parked: BTreeMap<u64, PutPayload>,
    /// The first failure, which every later call reports.
    failed: Option<String>,
}

pub(super) struct Upload {
    state: Arc<Mutex<State>>,
    issued: u64,
    location: Path,
    implementer: String,
}

impl Upload {
    pub(super) fn new(writer: AsyncAtomicWriter, location: Path, implementer: String) -> Self {
        Upload {
            state: Arc::new(Mutex::new(State {
                writer: Some(writer),
                next: 0,
                parked: BTreeMap::new(),
                failed: None,
            })),
            issued: 0,
            location,
            implementer,
        }
    }
}

fn fail(
    location: &Path,
    implementer: &str,
    operation: &str,
    message: String,
) -> object_store::Error {
    to_object_store(
        Error::other(message).with_path(location.as_ref()),
        operation,
        implementer,
    )
}

/// Writes the parked parts whose turn has come, in order.
async fn drain(state: &mut State) -> Result<(), String> {
    while let Some(part) = state.parked.remove(&state.next) {
        let Some(writer) = state.writer.as_mut() else {
            return Err("the upload is already completed or aborted".to_owned());
        };
        for chunk in part.iter() {
            writer
                .write_all(chunk)
                .await
                .map_err(|e| format!("writing part {} failed: {e}", state.next))?;
        }
        state.next += 1;
    }
    Ok(())
}

#[async_trait]
impl MultipartUpload for Upload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        let ticket = self.issued;
        self.issued += 1;
        let state = Arc::clone(&self.state);
        let (location, implementer) = (self.location.clone(), self.implementer.clone());
        Box::pin(async move {
            let mut state = state.lock().await;
            if let Some(failed) = &state.failed {
                return Err(fail(&location, &implementer, "put_part", failed.clone()));
            }
            state.parked.insert(ticket, data);
            if let Err(message) = drain(&mut state).await {
                state.failed = Some(message.clone());
                state.parked.clear();
                return Err(fail(&location, &implementer, "put_part", message));
            }
            Ok(())
        })
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        let mut state = self.state.lock().await;
        let writer = state.writer.take();
        let Some(writer) = writer else {
            let message = "the upload is already completed or aborted".to_owned();
            return Err(fail(&self.location, &self.implementer, "complete", message));
        };
        let problem = match (&state.failed, state.next) {
            (Some(failed), _) => Some(failed.clone()),
            (None, written) if written != self.issued => Some(format!(
                "part {written} of {} never arrived (its future was dropped or not awaited)",
                self.issued
            )),
            _ => None,
        };
        if let Some(message) = problem {
            let _ = writer.abort().await;
            return Err(fail(&self.location, &self.implementer, "complete", message));
        }
        let written = writer
            .commit()
            .await
            .map_err(|e| to_object_store(e, "complete", &self.implementer))?;
        Ok(PutResult {
            e_tag: written.etag,
            version: written.version_id,
            extensions: Default::default(),
        })
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        let mut state = self.state.lock().await;
        state.parked.clear();
        state.failed = Some("the upload was aborted".to_owned());
        if let Some(writer) = state.writer.take() {
            writer
                .abort()
                .await
                .map_err(|e| to_object_store(e, "abort", &self.implementer))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("location", &self.location)
            .field("parts", &self.issued)
            .finish_non_exhaustive()
    }
}
