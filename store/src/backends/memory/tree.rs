//! The in-memory tree both memory backends share: every rule of the contract for hierarchical
//! backends, applied under one lock so each operation is atomic.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::SystemTime;

use bytes::Bytes;

use crate::entry::{Attributes, FileInfo, FolderEntry, UserMetadata};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::write_result::{WriteResult, WriteSource};

#[derive(Clone)]
struct File {
    data: Bytes,
    size: u64,
    modified: SystemTime,
    /// The version this content was written as; the etag is its quoted hex, spelled out only
    /// where a result shows it.
    version: u64,
    metadata: UserMetadata,
    attributes: Attributes,
}

impl File {
    fn etag(&self) -> String {
        format!("\"{:x}\"", self.version)
    }
}

#[derive(Clone)]
enum Node {
    File(File),
    Folder,
}

/// Files and folders keyed by their full path; the root is implicit.
pub(crate) struct Tree {
    name: &'static str,
    nodes: RwLock<BTreeMap<StorePath, Node>>,
    versions: AtomicU64,
}

impl Tree {
    pub(crate) fn new(name: &'static str) -> Tree {
        Tree {
            name,
            nodes: RwLock::new(BTreeMap::new()),
            versions: AtomicU64::new(0),
        }
    }

    fn read_lock(&self) -> RwLockReadGuard<'_, BTreeMap<StorePath, Node>> {
        // A panic while holding the lock cannot leave a half-applied change: every mutation
        // is a single map operation after all checks.
        self.nodes.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_lock(&self) -> RwLockWriteGuard<'_, BTreeMap<StorePath, Node>> {
        self.nodes.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn err(&self, err: Error) -> Error {
        err.with_backend(self.name)
    }

    fn root_refused(&self, path: &StorePath) -> Result<()> {
        if path.is_root() {
            Err(self.err(Error::root_is_folder()))
        } else {
            Ok(())
        }
    }

    pub(crate) fn exists(&self, path: &StorePath) -> bool {
        path.is_root() || self.read_lock().contains_key(path)
    }

    pub(crate) fn is_file(&self, path: &StorePath) -> bool {
        matches!(self.read_lock().get(path), Some(Node::File(_)))
    }

    pub(crate) fn is_folder(&self, path: &StorePath) -> bool {
        path.is_root() || matches!(self.read_lock().get(path), Some(Node::Folder))
    }

    /// The data of the file at `path`, with the read-side verdicts of [C-2.5](crate::contract#C-2.5).
    pub(crate) fn read(&self, path: &StorePath) -> Result<Bytes> {
        self.root_refused(path)?;
        match self.read_lock().get(path) {
            Some(Node::File(f)) => Ok(f.data.clone()),
            Some(Node::Folder) => Err(self.err(Error::is_a_folder(path.as_str()))),
            None => Err(self.err(Error::not_found(path.as_str()))),
        }
    }

    /// `len` bytes from `offset`, clamped to the file's end ([C-6.6](crate::contract#C-6.6)), sliced without copying.
    pub(crate) fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        let data = self.read(path)?;
        let size = data.len() as u64;
        let end = offset.saturating_add(len).min(size);
        Ok(data.slice(offset.min(size) as usize..end as usize))
    }

    /// The facts of the file at `path` and its content when it holds at most `limit` bytes,
    /// from one look under the lock.
    pub(crate) fn read_with_info(
        &self,
        path: &StorePath,
        limit: u64,
    ) -> Result<(FileInfo, Option<Bytes>)> {
        self.root_refused(path)?;
        match self.read_lock().get(path) {
            Some(Node::File(f)) => {
                let data = (f.data.len() as u64 <= limit).then(|| f.data.clone());
                Ok((info(path, f), data))
            }
            Some(Node::Folder) => Err(self.err(Error::is_a_folder(path.as_str()))),
            None => Err(self.err(Error::not_found(path.as_str()))),
        }
    }

    pub(crate) fn file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.root_refused(path)?;
        match self.read_lock().get(path) {
            Some(Node::File(f)) => Ok(info(path, f)),
            Some(Node::Folder) => Err(self.err(Error::is_a_folder(path.as_str()))),
            None => Err(self.err(Error::not_found(path.as_str()))),
        }
    }

    /// The write-side checks of [C-2.4](crate::contract#C-2.4) steps 2–4, against the current map.
    /// The write-side checks of `path`; `true` when its folder already exists, so nothing
    /// needs creating.
    fn check_write(
        &self,
        nodes: &BTreeMap<StorePath, Node>,
        path: &StorePath,
        overwrite: bool,
    ) -> Result<bool> {
        self.root_refused(path)?;
        match nodes.get(path) {
            Some(Node::Folder) => return Err(self.err(Error::folder_in_the_way(path.as_str()))),
            Some(Node::File(_)) if !overwrite => {
                return Err(self.err(Error::already_exists(path.as_str())))
            }
            _ => {}
        }
        // Nearest first: a folder's own ancestors are folders, so the first one found ends it.
        for (i, ancestor) in path.ancestors_str().enumerate() {
            match nodes.get(ancestor) {
                Some(Node::File(_)) => {
                    return Err(self.err(Error::invalid_path(
                        path.as_str(),
                        format!("a file is in the way at '{ancestor}'"),
                    )))
                }
                Some(Node::Folder) => return Ok(i == 0),
                None => {}
            }
        }
        Ok(path.parent().is_none_or(|p| p.is_root()))
    }

    /// Checks a write before any content is consumed.
    pub(crate) fn precheck_write(&self, path: &StorePath, options: &WriteOptions) -> Result<()> {
        let nodes = self.read_lock();
        self.check_write(&nodes, path, options.overwrite)?;
        self.check_etag(&nodes, path, options)
    }

    /// The `if_match` verdict against the current map; the write repeats it under its lock.
    fn check_etag(
        &self,
        nodes: &BTreeMap<StorePath, Node>,
        path: &StorePath,
        options: &WriteOptions,
    ) -> Result<()> {
        if options.expected_etag().is_none() {
            return Ok(());
        }
        let current = match nodes.get(path) {
            Some(Node::File(f)) => Some(f.etag()),
            _ => None,
        };
        options
            .check_etag(path, current.as_deref())
            .map_err(|e| self.err(e))
    }

    /// Stores `data` at `path` in one locked step; of concurrent creators exactly one wins.
    pub(crate) fn put(
        &self,
        path: &StorePath,
        data: Bytes,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let metadata = options.user_metadata().cloned();
        let file = File {
            size: data.len() as u64,
            data,
            modified: SystemTime::now(),
            version: self.versions.fetch_add(1, Ordering::Relaxed) + 1,
            metadata: metadata.clone().unwrap_or_default(),
            attributes: options.attributes.clone(),
        };
        let mut nodes = self.write_lock();
        let parent_exists = self.check_write(&nodes, path, options.overwrite)?;
        // Under the same lock as the write: of writers holding one etag, one wins.
        self.check_etag(&nodes, path, options)?;
        // Built directly: equal to a later `get_file_info`, as WriteResultNative promises.
        let result = WriteResult {
            path: path.clone(),
            size: file.size,
            source: WriteSource::Native,
            digest: None,
            etag: Some(file.etag()),
            version_id: None,
            last_modified: Some(file.modified),
            metadata,
        };
        if !parent_exists {
            create_parents(&mut nodes, path);
        }
        nodes.insert(path.clone(), Node::File(file));
        Ok(result)
    }

    pub(crate) fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.root_refused(path)?;
        let mut nodes = self.write_lock();
        match nodes.get(path) {
            Some(Node::File(_)) => {
                nodes.remove(path);
                Ok(())
            }
            Some(Node::Folder) => Err(self.err(Error::invalid_path(
                path.as_str(),
                "is a folder; use delete_folder",
            ))),
            None if missing_ok => Ok(()),
            None => Err(self.err(Error::not_found(path.as_str()))),
        }
    }

    pub(crate) fn delete_folder(
        &self,
        path: &StorePath,
        options: &DeleteFolderOptions,
    ) -> Result<()> {
        if path.is_root() {
            return Err(self.err(Error::invalid_path("", "cannot delete the store root")));
        }
        let mut nodes = self.write_lock();
        match nodes.get(path) {
            Some(Node::Folder) => {}
            Some(Node::File(_)) => {
                return Err(self.err(Error::invalid_path(path.as_str(), "is a file; use delete")))
            }
            None if options.missing_ok => return Ok(()),
            None => return Err(self.err(Error::not_found(path.as_str()))),
        }
        let below: Vec<StorePath> = descendants(&nodes, path).map(|(k, _)| k.clone()).collect();
        if !below.is_empty() && !options.recursive {
            return Err(self.err(
                Error::new(ErrorKind::DirectoryNotEmpty, "folder is not empty")
                    .with_path(path.as_str()),
            ));
        }
        for key in below {
            nodes.remove(&key);
        }
        nodes.remove(path);
        Ok(())
    }

    /// The files below `folder`, walking only as deep as `options` asks.
    pub(crate) fn list_files(&self, folder: &StorePath, options: &ListOptions) -> Vec<FileInfo> {
        self.below(folder, options, |key, node| match node {
            Node::File(f) => Some(info(key, f)),
            Node::Folder => None,
        })
    }

    /// The folders below `folder`, walking only as deep as `options` asks.
    pub(crate) fn list_folders(
        &self,
        folder: &StorePath,
        options: &ListOptions,
    ) -> Vec<FolderEntry> {
        self.below(folder, options, |key, node| {
            matches!(node, Node::Folder).then(|| FolderEntry::new(key.clone()))
        })
    }

    /// What `pick` makes of each entry below `folder` as deep as `options` asks, under one
    /// read lock; nothing for a folder that does not exist.
    fn below<T>(
        &self,
        folder: &StorePath,
        options: &ListOptions,
        pick: impl Fn(&StorePath, &Node) -> Option<T>,
    ) -> Vec<T> {
        let nodes = self.read_lock();
        if !folder.is_root() && !matches!(nodes.get(folder), Some(Node::Folder)) {
            return Vec::new();
        }
        let base = folder.depth();
        let deep = options.descends();
        descendants(&nodes, folder)
            .filter(|(key, _)| deep || key.depth() == base + 1)
            .filter_map(|(key, node)| pick(key, node))
            .collect()
    }

    /// The files matching `pattern`, searched below its literal prefix only.
    pub(crate) fn glob(&self, pattern: &Pattern) -> Vec<FileInfo> {
        let nodes = self.read_lock();
        let prefix = pattern.literal_prefix();
        descendants(&nodes, &prefix)
            .filter_map(|(k, node)| match node {
                Node::File(f) if pattern.matches(k.as_str()) => Some(info(k, f)),
                _ => None,
            })
            .collect()
    }

    /// Moves or copies a file in one locked step, with the precondition order of [C-2.4](crate::contract#C-2.4).
    pub(crate) fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        keep_src: bool,
    ) -> Result<()> {
        self.root_refused(src)?;
        self.root_refused(dst)?;
        let mut nodes = self.write_lock();
        let file = match nodes.get(src) {
            Some(Node::File(f)) => f.clone(),
            Some(Node::Folder) => return Err(self.err(Error::source_is_a_folder(src.as_str()))),
            None => return Err(self.err(Error::not_found(src.as_str()))),
        };
        if src == dst {
            return Ok(());
        }
        self.check_write(&nodes, dst, overwrite)?;
        if !keep_src {
            nodes.remove(src);
        }
        create_parents(&mut nodes, dst);
        let file = if keep_src {
            File {
                modified: SystemTime::now(),
                version: self.versions.fetch_add(1, Ordering::Relaxed) + 1,
                ..file
            }
        } else {
            file
        };
        nodes.insert(dst.clone(), Node::File(file));
        Ok(())
    }
}

fn info(path: &StorePath, file: &File) -> FileInfo {
    FileInfo {
        etag: Some(file.etag()),
        metadata: Some(file.metadata.clone()),
        attributes: file.attributes.clone(),
        ..FileInfo::new(path.clone(), file.data.len() as u64, Some(file.modified))
    }
}

fn create_parents(nodes: &mut BTreeMap<StorePath, Node>, path: &StorePath) {
    for ancestor in path.ancestors_str() {
        if nodes.contains_key(ancestor) {
            break;
        }
        nodes.insert(
            StorePath::from_normalised(ancestor.to_owned()),
            Node::Folder,
        );
    }
}

/// Every node strictly below `folder`, in key order.
fn descendants<'m>(
    nodes: &'m BTreeMap<StorePath, Node>,
    folder: &StorePath,
) -> impl Iterator<Item = (&'m StorePath, &'m Node)> + 'm {
    let prefix = if folder.is_root() {
        String::new()
    } else {
        format!("{folder}/")
    };
    nodes
        .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
        .take_while(move |(k, _)| k.as_str().starts_with(&prefix))
}
