//! The folder operations: making the folders above a key, listing (one level, or the whole
//! tree in one PROPFIND where the server allows it), and deleting folders.

use reqwest::{Method, StatusCode};

use super::files::not_found;
use super::multistatus::DavEntry;
use super::requests::{method, refused};
use super::{WebDavBackend, NAME};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{DeleteFolderOptions, ListOptions};
use crate::path::StorePath;

/// What a walk collects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Files,
    Folders,
    Both,
}

/// What a MKCOL did.
enum Mkcol {
    Created,
    /// Something is there: a folder, or a file in the way.
    There,
    /// Its own parent is missing.
    NoParent,
}

impl WebDavBackend {
    async fn mkcol(&self, folder: &StorePath, key: &StorePath) -> Result<Mkcol> {
        let request = self
            .http
            .request(method("MKCOL"), &self.http.url(folder, true));
        let response = self.send(request, key).await?;
        match response.status() {
            StatusCode::CREATED | StatusCode::OK | StatusCode::NO_CONTENT => Ok(Mkcol::Created),
            StatusCode::METHOD_NOT_ALLOWED => Ok(Mkcol::There),
            StatusCode::CONFLICT => Ok(Mkcol::NoParent),
            // A MKCOL that lost a race may fail outright (wsgidav answers 500): the folder
            // being there is what counts. Apache answers 400 for a file there or on the way.
            status => match self.probe(folder).await? {
                Some(_) => Ok(Mkcol::There),
                None if status == StatusCode::BAD_REQUEST => Ok(Mkcol::NoParent),
                None => Err(refused(status, key)),
            },
        }
    }

    /// Makes the missing folders above `key`: the nearest first, going up only while a
    /// parent is missing, then back down. A file on the way is `InvalidPath`; a missing base
    /// is `NotFound`. Whether a folder was made.
    pub(super) async fn make_folders(&self, key: &StorePath) -> Result<bool> {
        let ancestors: Vec<StorePath> = key
            .ancestors_str()
            .map(|a| StorePath::from_normalised(a.to_owned()))
            .collect();
        let mut missing = Vec::new();
        let mut made = false;
        for folder in &ancestors {
            match self.mkcol(folder, key).await? {
                Mkcol::Created => {
                    made = true;
                    break;
                }
                Mkcol::There => {
                    self.folder_there(folder, key).await?;
                    break;
                }
                Mkcol::NoParent => missing.push(folder),
            }
        }
        // Even the top-level folder's parent is missing, or the key is a top-level one:
        // that parent is the base.
        if missing.len() == ancestors.len() && self.probe(&StorePath::root()).await?.is_none() {
            return Err(Error::not_found("")
                .with_backend(NAME)
                .with_source("the base URL names no collection on the server"));
        }
        // The loop stopped below a folder that is there: make the rest, from the top down.
        while let Some(folder) = missing.pop() {
            match self.mkcol(folder, key).await? {
                Mkcol::Created => made = true,
                Mkcol::There => self.folder_there(folder, key).await?,
                Mkcol::NoParent => {
                    return Err(Error::file_in_the_way(key.as_str()).with_backend(NAME))
                }
            }
        }
        Ok(made)
    }

    /// After a MKCOL found something at `folder`: fine if it is a folder.
    async fn folder_there(&self, folder: &StorePath, key: &StorePath) -> Result<()> {
        match self.probe(folder).await? {
            Some(entry) if entry.collection => Ok(()),
            _ => Err(Error::file_in_the_way(key.as_str()).with_backend(NAME)),
        }
    }

    /// The entries below the folder `key`: its children, or (recursive) the whole tree, kept
    /// as `options` and `want` say. A missing folder or a file lists nothing. An unbounded walk
    /// is one PROPFIND of the whole tree where the server allows it; a depth-limited one asks
    /// one folder at a time, down to the limit, instead of fetching what it would drop.
    pub(super) async fn walk(
        &self,
        key: &StorePath,
        options: &ListOptions,
        want: Want,
    ) -> Result<Vec<Entry>> {
        let pattern = options.compiled_pattern()?;
        let entries = if !options.descends() {
            self.propfind(key, "1").await?
        } else if options.keeps_depth(usize::MAX) {
            match self.propfind(key, "infinity").await {
                // Servers may refuse an infinite depth (Apache by default): one level at a time.
                Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                    self.walk_levels(key, options).await?
                }
                entries => entries?,
            }
        } else {
            self.walk_levels(key, options).await?
        };
        let Some(entries) = entries else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in entries {
            let Some(found) = self.http.key_of(&entry.path) else {
                continue;
            };
            let Some(below) = found.strip_prefix(key).filter(|b| !b.is_root()) else {
                continue;
            };
            let depth = below.depth() - 1;
            if !options.keeps_depth(depth) {
                continue;
            }
            if pattern.as_ref().is_some_and(|p| !p.matches(found.name())) {
                continue;
            }
            match (entry.collection, want) {
                (true, Want::Folders | Want::Both) => {
                    out.push(Entry::Folder(FolderEntry::new(found)))
                }
                (false, Want::Files | Want::Both) => out.push(Entry::File(FileInfo::new(
                    found,
                    entry.size,
                    entry.modified,
                ))),
                _ => {}
            }
        }
        Ok(out)
    }

    /// A tree's entries one folder at a time (`Depth: 1` each), as deep as `options` keep: the
    /// folder itself first, as a PROPFIND of it gives it.
    async fn walk_levels(
        &self,
        key: &StorePath,
        options: &ListOptions,
    ) -> Result<Option<Vec<DavEntry>>> {
        let Some(mut out) = self.propfind(key, "1").await? else {
            return Ok(None);
        };
        // Each folder found is looked into once, in the order found.
        let mut next = 1;
        while next < out.len() {
            let entry = &out[next];
            next += 1;
            let Some(folder) = entry
                .collection
                .then(|| self.http.key_of(&entry.path))
                .flatten()
            else {
                continue;
            };
            // Its children lie at the depth that is its own counted from 1.
            let depth = folder.strip_prefix(key).map_or(0, |below| below.depth());
            if options.keeps_depth(depth) {
                if let Some(level) = self.propfind_folder(&folder, "1").await? {
                    out.extend(level.into_iter().skip(1));
                }
            }
        }
        Ok(Some(out))
    }

    pub(super) async fn remove_folder(
        &self,
        key: &StorePath,
        options: &DeleteFolderOptions,
    ) -> Result<()> {
        if key.is_root() {
            return Err(Error::invalid_path("", "the root cannot be deleted").with_backend(NAME));
        }
        let depth = if options.recursive { "0" } else { "1" };
        match self.propfind(key, depth).await? {
            Some(entries) => {
                match entries.first() {
                    Some(entry) if entry.collection => {}
                    _ => return Err(Error::not_a_folder(key.as_str()).with_backend(NAME)),
                }
                if entries.len() > 1 {
                    return Err(Error::new(
                        ErrorKind::DirectoryNotEmpty,
                        "the folder is not empty",
                    )
                    .with_path(key.as_str())
                    .with_backend(NAME));
                }
            }
            None if options.missing_ok => return Ok(()),
            None => return Err(not_found(key)),
        }
        let request = self.http.request(Method::DELETE, &self.http.url(key, true));
        let response = self.send(request, key).await?;
        match response.status() {
            StatusCode::OK | StatusCode::NO_CONTENT | StatusCode::ACCEPTED => Ok(()),
            StatusCode::NOT_FOUND if options.missing_ok => Ok(()),
            StatusCode::NOT_FOUND => Err(not_found(key)),
            status => Err(refused(status, key)),
        }
    }
}
