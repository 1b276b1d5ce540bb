//! Renames and copies: one MOVE or COPY at the server, after a look at the source (a folder
//! would move whole) and, when replacing, at the destination (the protocol replaces a folder
//! by deleting it).

use reqwest::StatusCode;

use super::files::{is_folder, not_found};
use super::requests::{method, refused};
use super::{WebDavBackend, NAME};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// Which of the two.
#[derive(Clone, Copy)]
pub(super) enum Transfer {
    Move,
    Copy,
}

impl WebDavBackend {
    pub(super) async fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        how: Transfer,
    ) -> Result<()> {
        if src.is_root() || dst.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        match self.probe(src).await? {
            Some(entry) if entry.collection => {
                return Err(Error::source_is_a_folder(src.as_str()).with_backend(NAME))
            }
            Some(_) => {}
            None => return Err(not_found(src)),
        }
        if src == dst {
            return Ok(());
        }
        if overwrite {
            if let Some(entry) = self.probe(dst).await? {
                if entry.collection {
                    return Err(is_folder(dst));
                }
            }
        }
        let mut made = false;
        loop {
            let name = match how {
                Transfer::Move => "MOVE",
                Transfer::Copy => "COPY",
            };
            let request = self
                .http
                .request(method(name), &self.http.url(src, false))
                .header("Destination", self.http.url(dst, false))
                .header("Overwrite", if overwrite { "T" } else { "F" })
                .header("Depth", "0");
            let response = self.send(request, src).await?;
            match response.status() {
                StatusCode::CREATED | StatusCode::NO_CONTENT | StatusCode::OK => return Ok(()),
                // A folder above the destination is missing. Apache answers a MOVE there
                // with 500 and one below a file with 400, so those are looked into too, and
                // sent again only if a folder had to be made.
                StatusCode::CONFLICT if !made => {
                    self.make_folders(dst).await?;
                    made = true;
                }
                status @ (StatusCode::BAD_REQUEST | StatusCode::INTERNAL_SERVER_ERROR) if !made => {
                    if !self.make_folders(dst).await? {
                        return Err(refused(status, dst));
                    }
                    made = true;
                }
                StatusCode::PRECONDITION_FAILED => {
                    return Err(match self.probe(dst).await? {
                        Some(entry) if entry.collection => is_folder(dst),
                        _ => Error::already_exists(dst.as_str()).with_backend(NAME),
                    })
                }
                StatusCode::NOT_FOUND => return Err(not_found(src)),
                // A folder at the destination may answer anything (Apache: 301 to `dst/`).
                status => return Err(self.folder_or_refused(dst, status).await),
            }
        }
    }
}
