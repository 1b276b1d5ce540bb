//! The folder operations: making parents, listing (direct or recursive), and deleting
//! folders. Listings follow links that resolve inside the base folder and leave out, with a
//! warning, what no key can reach ([C-2.6](crate::contract#C-2.6), [C-3.5](crate::contract#C-3.5)).

use futures_util::future::{join, join_all};
use russh_sftp::protocol::{FileAttributes, StatusCode};

use super::errors::{self, is_missing};
use super::errors::{escapes, file_in_the_way};
use super::files::{info, kind_of, Kind};
use super::session::{self, Lease};
use super::{SftpBackend, NAME};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::{Error, Result};
use crate::options::{DeleteFolderOptions, ListOptions};
use crate::path::StorePath;
use crate::temp_names::is_temp_name;

/// What a walk collects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Files,
    Folders,
    Both,
}

/// One entry of a folder as `readdir` gives it (not following links).
struct Child {
    name: String,
    attrs: FileAttributes,
}

impl SftpBackend {
    /// Makes the folders above `key`, from the top down, each checked before the next is made
    /// inside it: a file on the way is `InvalidPath`, a link out of the base `escapes root`.
    /// A missing base folder is `NotFound`, or made with `create_base_path`.
    pub(super) async fn make_folders(&self, conn: &Lease, key: &StorePath) -> Result<()> {
        // Called when a path did not resolve: the base folder itself may be what is missing.
        let settings = &self.pool.settings;
        if !session::base_exists(&conn.sftp, &settings.base).await? {
            match settings.create_base {
                true => session::make_base(&conn.sftp, &settings.base).await,
                false => return Err(settings.missing_base().with_backend(NAME)),
            }
        }
        let mut folders: Vec<&str> = key.ancestors_str().collect();
        folders.reverse();
        let mut i = 0;
        while i < folders.len() {
            let folder = StorePath::from_normalised(folders[i].to_owned());
            let native = self.native(&folder);
            match conn
                .sftp
                .mkdir(native.as_str(), FileAttributes::empty())
                .await
            {
                Ok(_) => {}
                Err(e) if errors::status(&e) == Some(StatusCode::Failure) => {
                    // Already there (or raced in): it must be a folder inside the base.
                    match self.kind(conn, &folder).await? {
                        Some(Kind::Folder) => {}
                        Some(_) => return Err(file_in_the_way(key)),
                        None => return Err(conn.fail(e, key.as_str())),
                    }
                }
                Err(e) if is_missing(&e) => return Err(file_in_the_way(key)),
                Err(e) => return Err(conn.fail(e, key.as_str())),
            }
            i += 1;
        }
        Ok(())
    }

    /// The entries of the folder at `native`, `.` and `..` left out.
    async fn children(
        &self,
        conn: &Lease,
        native: &str,
        key: &StorePath,
    ) -> Result<Option<Vec<Child>>> {
        let handle = match conn.sftp.opendir(native).await {
            Ok(handle) => handle.handle,
            Err(e) if is_missing(&e) => return Ok(None),
            Err(e) => return Err(conn.fail(e, key.as_str())),
        };
        let mut out = Vec::new();
        let result = loop {
            match conn.sftp.readdir(handle.as_str()).await {
                Ok(name) => out.extend(
                    name.files
                        .into_iter()
                        .filter(|f| f.filename != "." && f.filename != "..")
                        .map(|f| Child {
                            name: f.filename,
                            attrs: f.attrs,
                        }),
                ),
                Err(e) if errors::status(&e) == Some(StatusCode::Eof) => break Ok(Some(out)),
                Err(e) => break Err(conn.fail(e, key.as_str())),
            }
        };
        let _ = conn.sftp.close(handle).await;
        result
    }

    /// A link's target kind, if it resolves inside the base (and, for a folder, not back up
    /// to `above`, the resolved folder being listed): `None` leaves it out.
    async fn follow(&self, conn: &Lease, native: &str, above: &str) -> Option<(Kind, String)> {
        let (real, stat) = join(conn.sftp.realpath(native), conn.sftp.stat(native)).await;
        let real = real.ok()?.files.into_iter().next()?.filename;
        if !conn.inside(&real) {
            return None;
        }
        let kind = kind_of(stat.ok()?.attrs);
        if matches!(kind, Kind::Folder) && (above == real || above.starts_with(&format!("{real}/")))
        {
            return None;
        }
        Some((kind, real))
    }

    /// Walks the folder `key`: its entries (and, as `options` say, those below), kept as
    /// `want` says. A missing folder or a file lists nothing.
    pub(super) async fn walk(
        &self,
        key: &StorePath,
        options: &ListOptions,
        want: Want,
    ) -> Result<Vec<Entry>> {
        let pattern = options.compiled_pattern()?;
        let conn = self.lease().await?;
        let native = self.native(key);
        let real = match conn.sftp.realpath(native.as_str()).await {
            Ok(name) => name
                .files
                .into_iter()
                .next()
                .map(|f| f.filename)
                .unwrap_or_default(),
            Err(e) if is_missing(&e) => return Ok(Vec::new()),
            Err(e) => return Err(conn.fail(e, key.as_str())),
        };
        if !conn.inside(&real) {
            return Err(escapes(key));
        }
        let mut out = Vec::new();
        // (key, native path, resolved path, depth of its children)
        let mut queue = vec![(key.clone(), native, real, 0usize)];
        while let Some((folder, native, real, depth)) = queue.pop() {
            let Some(children) = self.children(&conn, &native, &folder).await? else {
                continue;
            };
            for child in children {
                if is_temp_name(&child.name) {
                    continue;
                }
                if undecodable(&child.name) {
                    tracing::warn!(
                        backend = NAME,
                        folder = folder.as_str(),
                        "left out an entry whose name is not UTF-8"
                    );
                    continue;
                }
                let Ok(child_key) = folder.join(&child.name).map_err(|_| ()).and_then(|k| {
                    if child.name.contains('\\') {
                        Err(())
                    } else {
                        Ok(k)
                    }
                }) else {
                    tracing::warn!(
                        backend = NAME,
                        folder = folder.as_str(),
                        "left out an entry no key can name"
                    );
                    continue;
                };
                let child_native = format!("{}/{}", native.trim_end_matches('/'), child.name);
                let (kind, child_real) = if child.attrs.is_symlink() {
                    match self.follow(&conn, &child_native, &real).await {
                        Some(found) => found,
                        None => {
                            tracing::warn!(
                                backend = NAME,
                                folder = folder.as_str(),
                                "left out a link that resolves outside the base folder, dangles or loops"
                            );
                            continue;
                        }
                    }
                } else {
                    (
                        kind_of(child.attrs),
                        format!("{}/{}", real.trim_end_matches('/'), child.name),
                    )
                };
                let named = |k: &StorePath| pattern.as_ref().is_none_or(|p| p.matches(k.name()));
                match kind {
                    Kind::File(attrs) => {
                        if want != Want::Folders && options.keeps_depth(depth) && named(&child_key)
                        {
                            out.push(Entry::File(info(&child_key, &attrs)));
                        }
                    }
                    Kind::Folder => {
                        if want != Want::Files && options.keeps_depth(depth) && named(&child_key) {
                            out.push(Entry::Folder(FolderEntry::new(child_key.clone())));
                        }
                        if options.descends() && options.keeps_depth(depth + 1) {
                            queue.push((child_key, child_native, child_real, depth + 1));
                        }
                    }
                    Kind::Special => {}
                }
            }
        }
        Ok(out)
    }

    pub(super) async fn walk_files(
        &self,
        key: &StorePath,
        options: &ListOptions,
    ) -> Result<Vec<FileInfo>> {
        Ok(self
            .walk(key, options, Want::Files)
            .await?
            .into_iter()
            .filter_map(|e| match e {
                Entry::File(f) => Some(f),
                Entry::Folder(_) => None,
            })
            .collect())
    }

    pub(super) async fn walk_folders(
        &self,
        key: &StorePath,
        options: &ListOptions,
    ) -> Result<Vec<FolderEntry>> {
        Ok(self
            .walk(key, options, Want::Folders)
            .await?
            .into_iter()
            .filter_map(|e| match e {
                Entry::Folder(f) => Some(f),
                Entry::File(_) => None,
            })
            .collect())
    }

    /// Removes everything below the folder at `native` (never following a link), then it.
    async fn remove_tree(&self, conn: &Lease, native: String, key: &StorePath) -> Result<()> {
        let mut folders = vec![(native, false)];
        while let Some((folder, emptied)) = folders.pop() {
            if emptied {
                match conn.sftp.rmdir(folder.as_str()).await {
                    Ok(_) => {}
                    Err(e) if is_missing(&e) => {}
                    Err(e) => return Err(conn.fail(e, key.as_str())),
                }
                continue;
            }
            let children = self.children(conn, &folder, key).await?.unwrap_or_default();
            // The server sent such a name lossily decoded: no request can name it to remove.
            if let Some(child) = children.iter().find(|c| undecodable(&c.name)) {
                return Err(Error::new(
                    crate::ErrorKind::DirectoryNotEmpty,
                    format!(
                        "the folder holds an entry whose name is not UTF-8 ({}), which cannot \
                         be named over SFTP to remove it: rename or remove it on the server",
                        child.name
                    ),
                )
                .with_path(key.as_str())
                .with_backend(NAME));
            }
            folders.push((folder.clone(), true));
            let mut files = Vec::new();
            for child in children {
                let path = format!("{}/{}", folder.trim_end_matches('/'), child.name);
                if child.attrs.is_dir() {
                    folders.push((path, false));
                } else {
                    files.push(path);
                }
            }
            // The removals of one folder go out together.
            for removed in join_all(files.iter().map(|f| conn.sftp.remove(f.as_str()))).await {
                match removed {
                    Ok(_) => {}
                    Err(e) if is_missing(&e) => {}
                    Err(e) => return Err(conn.fail(e, key.as_str())),
                }
            }
        }
        Ok(())
    }

    /// Removes the temps that writes left in `folder` and below it (a process killed during
    /// an atomic write leaves its `.~tmp.*` file, which listings hide and SFTP cannot make
    /// invisible) whose modification time is older than `older_than`; newer ones may belong
    /// to a write still running. Returns how many were removed. `delete_folder` removes
    /// them too.
    ///
    /// ```no_run
    /// # async fn clean(backend: &store::SftpBackend) -> store::Result<()> {
    /// use std::time::Duration;
    /// let removed = backend
    ///     .remove_stale_temps(&store::StorePath::root(), Duration::from_secs(3600))
    ///     .await?;
    /// println!("removed {removed} leftover temps");
    /// # Ok(()) }
    /// ```
    pub async fn remove_stale_temps(
        &self,
        folder: &StorePath,
        older_than: std::time::Duration,
    ) -> Result<usize> {
        let conn = self.lease().await?;
        let cutoff = std::time::SystemTime::now()
            .checked_sub(older_than)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let mut removed = 0;
        let mut folders = vec![(self.native(folder), folder.clone())];
        while let Some((native, key)) = folders.pop() {
            let children = self
                .children(&conn, &native, &key)
                .await?
                .unwrap_or_default();
            for child in children {
                let path = format!("{}/{}", native.trim_end_matches('/'), child.name);
                if child.attrs.is_dir() && !is_temp_name(&child.name) {
                    if let Ok(child_key) = key.join(&child.name) {
                        folders.push((path, child_key));
                    }
                    continue;
                }
                let stale = child.attrs.mtime.is_some_and(|m| u64::from(m) < cutoff);
                if is_temp_name(&child.name) && child.attrs.is_regular() && stale {
                    match conn.sftp.remove(path.as_str()).await {
                        Ok(_) => removed += 1,
                        Err(e) if is_missing(&e) => {}
                        Err(e) => return Err(conn.fail(e, key.as_str())),
                    }
                }
            }
        }
        Ok(removed)
    }

    pub(super) async fn remove_folder(
        &self,
        key: &StorePath,
        options: &DeleteFolderOptions,
    ) -> Result<()> {
        if key.is_root() {
            return Err(Error::invalid_path("", "the root cannot be deleted").with_backend(NAME));
        }
        let conn = self.lease().await?;
        match self.kind(&conn, key).await? {
            Some(Kind::Folder) => {}
            Some(_) => return Err(Error::not_a_folder(key.as_str()).with_backend(NAME)),
            None if options.missing_ok => return Ok(()),
            None => return Err(Error::not_found(key.as_str()).with_backend(NAME)),
        }
        let native = self.native(key);
        if options.recursive {
            return self.remove_tree(&conn, native, key).await;
        }
        match conn.sftp.rmdir(native.as_str()).await {
            Ok(_) => Ok(()),
            Err(e) if errors::status(&e) == Some(StatusCode::Failure) => {
                // Not empty; it lists as empty if it holds only leftover temps.
                let children = self
                    .children(&conn, &native, key)
                    .await?
                    .unwrap_or_default();
                if children
                    .iter()
                    .all(|c| is_temp_name(&c.name) && c.attrs.is_regular())
                {
                    return self.remove_tree(&conn, native, key).await;
                }
                Err(Error::new(
                    crate::ErrorKind::DirectoryNotEmpty,
                    "the folder is not empty",
                )
                .with_path(key.as_str())
                .with_backend(NAME))
            }
            Err(e) => Err(conn.fail(e, key.as_str())),
        }
    }
}

/// Whether a name arrived lossily decoded: the SFTP client turns the bytes of a name that is
/// not UTF-8 into U+FFFD, so such a name names nothing on the server.
fn undecodable(name: &str) -> bool {
    name.contains(char::REPLACEMENT_CHARACTER)
}
