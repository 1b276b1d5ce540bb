//! The write path: one PUT for small content, parts in flight for streamed content, and
//! the write result from the service's answer.

use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, PutMode, PutMultipartOptions, PutOptions, PutPayload, PutResult};

use super::headers::{check_headers, put_parts};
use super::ObjectStoreBackend;
use crate::capability::Capability;
use crate::content::{content_error, AsyncContent};
use crate::error::{Error, Result};
use crate::interop::object_store::parts::{Gathered, Parts};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::{WriteResult, WriteSource};

impl ObjectStoreBackend {
    pub(super) async fn put(
        &self,
        key: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.refuse_root(key)?;
        check_headers(options).map_err(|e| self.located(e))?;
        self.check_write_side(key).await?;
        let loc = self.location(key)?;
        let (attributes, mode) = put_parts(options);
        let mut content = match content {
            AsyncContent::Bytes(bytes) => {
                let payload = PutPayload::from(bytes);
                return self
                    .put_once(key, &loc, payload, attributes, mode, options)
                    .await;
            }
            AsyncContent::Stream(stream) => stream,
        };
        // Up to one part gathered: shorter content is one put, with its precondition.
        let mut gathered = Gathered::default();
        while !gathered.full() {
            match content.next().await {
                Some(chunk) => gathered.push(chunk.map_err(content_error)?),
                None => {
                    let payload = gathered.take_all();
                    return self
                        .put_once(key, &loc, payload, attributes, mode, options)
                        .await;
                }
            }
        }
        match &mode {
            PutMode::Create => {
                if self.head(key).await?.is_some() {
                    return Err(self.located(Error::already_exists(key.as_str())));
                }
            }
            PutMode::Update(_) => {
                let current = self.head(key).await?.and_then(|m| m.e_tag);
                options
                    .check_etag(key, current.as_deref())
                    .map_err(|e| self.located(e))?;
            }
            PutMode::Overwrite => {}
        }
        let opts = PutMultipartOptions {
            attributes,
            ..Default::default()
        };
        let upload = self
            .store
            .put_multipart_opts(&loc, opts)
            .await
            .map_err(|e| self.err(e, key))?;
        let mut parts = Parts::new(upload, self.upload_concurrency);
        let mut size = 0u64;
        let outcome: Result<()> = async {
            loop {
                while gathered.full() {
                    let part = gathered.take_part();
                    size += part.content_length() as u64;
                    parts.send(part).await.map_err(|e| self.err(e, key))?;
                }
                let next = parts.next_of(&mut content).await;
                match next.map_err(|e| self.err(e, key))? {
                    Some(chunk) => gathered.push(chunk.map_err(content_error)?),
                    None => break,
                }
            }
            if !gathered.is_empty() {
                let part = gathered.take_all();
                size += part.content_length() as u64;
                parts.send(part).await.map_err(|e| self.err(e, key))?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            parts.abort().await;
            return Err(e);
        }
        let put = parts.complete().await.map_err(|e| self.err(e, key))?;
        Ok(self.written(key, size, options, put))
    }

    /// What a write reports ([C-5.5](crate::contract#C-5.5)): path, size and the caller's
    /// metadata, and, when WriteResultNative is declared, the etag and version the service
    /// returned (its response has no modification time or digest).
    pub(super) fn written(
        &self,
        key: &StorePath,
        size: u64,
        options: &WriteOptions,
        put: PutResult,
    ) -> WriteResult {
        let mut result = WriteResult {
            metadata: options.user_metadata().cloned(),
            ..WriteResult::basic(key.clone(), size)
        };
        if self.capabilities.supports(Capability::WriteResultNative) {
            result.source = WriteSource::Native;
            result.etag = put.e_tag;
            result.version_id = put.version;
        }
        result
    }

    pub(super) async fn put_once(
        &self,
        key: &StorePath,
        loc: &Path,
        payload: PutPayload,
        attributes: object_store::Attributes,
        mode: PutMode,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let size = payload.content_length() as u64;
        let conditional = matches!(mode, PutMode::Update(_));
        let opts = PutOptions {
            mode,
            attributes,
            ..Default::default()
        };
        match self.store.put_opts(loc, payload, opts).await {
            Ok(put) => Ok(self.written(key, size, options, put)),
            // object_store reports an update of a missing object as a failed precondition;
            // the contract calls that NotFound.
            Err(e @ object_store::Error::Precondition { .. })
                if conditional && self.head(key).await?.is_none() =>
            {
                Err(self.located(Error::not_found(key.as_str()).with_source(e)))
            }
            Err(object_store::Error::NotImplemented { .. }) if conditional => Err(self.located(
                Error::unsupported(Capability::ConditionalWrite, self.capabilities),
            )),
            Err(e) => Err(self.err(e, key)),
        }
    }
}
