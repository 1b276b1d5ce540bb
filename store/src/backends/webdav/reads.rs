//! Ranged GETs, which a WebDAV server and a plain HTTP source answer alike: the range asked
//! for, or (from a server that ignores `Range`) the whole body, cut here.

use bytes::Bytes;
use futures_util::TryStreamExt;
use reqwest::{header, Method, Response, StatusCode};

use super::requests::{transport, Http};
use crate::content::ByteStream;
use crate::error::{Error, Result};
use crate::path::StorePath;

/// What a GET answered: the body, and whether the server cut the range itself.
pub(super) enum Got {
    Body {
        response: Response,
        ranged: bool,
    },
    /// The range starts at or past the end (416).
    Nothing,
}

/// A GET of `len` bytes from `offset` (`u64::MAX`: to the end); `Err(status)` when the
/// server answered with neither content nor 416, for the caller to explain.
pub(super) async fn get(
    http: &Http,
    key: &StorePath,
    offset: u64,
    len: u64,
) -> Result<std::result::Result<Got, StatusCode>> {
    if key.is_root() {
        return Err(Error::is_a_folder(""));
    }
    let mut request = http.request(Method::GET, &http.url(key, false));
    if offset > 0 || len != u64::MAX {
        let range = match offset.checked_add(len - 1) {
            Some(end) if len != u64::MAX => format!("bytes={offset}-{end}"),
            _ => format!("bytes={offset}-"),
        };
        request = request.header(header::RANGE, range);
    }
    let response = request.send().await.map_err(|e| transport(e, key))?;
    Ok(match response.status() {
        StatusCode::OK => Ok(Got::Body {
            response,
            ranged: false,
        }),
        StatusCode::PARTIAL_CONTENT => Ok(Got::Body {
            response,
            ranged: true,
        }),
        StatusCode::RANGE_NOT_SATISFIABLE => Ok(Got::Nothing),
        status => Err(status),
    })
}

impl Got {
    pub(super) async fn into_bytes(self, key: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        match self {
            Got::Nothing => Ok(Bytes::new()),
            Got::Body { response, ranged } => {
                let body = response.bytes().await.map_err(|e| transport(e, key))?;
                Ok(match ranged {
                    true => body,
                    false => cut(body, offset, len),
                })
            }
        }
    }

    pub(super) async fn into_stream(
        self,
        key: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        let whole = offset == 0 && len == u64::MAX;
        match self {
            Got::Nothing => Ok(Box::pin(futures_util::stream::empty())),
            // The server sent it all for a range: cut here.
            Got::Body {
                response,
                ranged: false,
            } if !whole => {
                let body = response.bytes().await.map_err(|e| transport(e, key))?;
                let part = cut(body, offset, len);
                Ok(Box::pin(futures_util::stream::iter([Ok(part)])))
            }
            Got::Body { response, .. } => {
                let key = key.clone();
                Ok(Box::pin(
                    response.bytes_stream().map_err(move |e| transport(e, &key)),
                ))
            }
        }
    }
}

/// `len` bytes from `offset` of a whole body.
fn cut(body: Bytes, offset: u64, len: u64) -> Bytes {
    let size = body.len() as u64;
    let start = offset.min(size);
    let end = offset.saturating_add(len).min(size);
    body.slice(start as usize..end as usize)
}
