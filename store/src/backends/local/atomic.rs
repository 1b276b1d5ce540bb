//! Atomic writes on disk: a temp file beside the target, under a reserved hidden name, then a
//! rename (create-only without overwrite) (C-6.3, C-6.4).

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, PersistError};

use crate::atomic::AtomicSink;
use crate::error::{Error, Result};
use crate::path::StorePath;
use crate::write_result::WriteResult;

use super::{file_info, NAME};

/// The reserved prefix of temp files; listings never show names that start with it.
pub(super) const TEMP_PREFIX: &str = ".~tmp.";

/// Whether `name` is one of our in-flight temp files.
pub(super) fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

/// The mode a new file is created with, before the umask: what `std::fs::write` uses, so an
/// atomic write gives the same permissions as a plain one (tempfile's default is 0600).
#[cfg(unix)]
fn new_file_permissions() -> Permissions {
    std::os::unix::fs::PermissionsExt::from_mode(0o666)
}

/// A new temp file in `dir` for the target named `name`: `.~tmp.<name>.<random>`.
pub(super) fn temp_in(dir: &Path, name: &str, key: &StorePath) -> Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(new_file_permissions());
    builder
        .prefix(&format!("{TEMP_PREFIX}{name}."))
        .rand_bytes(8)
        .tempfile_in(dir)
        .map_err(|e| Error::from_io(e, key, NAME))
}

/// The permissions a promoted file ends up with.
pub(super) enum Mode {
    /// Those of a written file: a new one's as a plain write gives them, and on an overwrite
    /// the replaced file's, as a plain write keeps them.
    Written,
    /// The source's, as `std::fs::copy` gives them: for a copy or a move.
    Of(Permissions),
}

/// Syncs the file's data, then promotes it to `target`: replacing it with `overwrite`,
/// create-only without. On failure the temp is removed.
pub(super) fn promote(
    temp: NamedTempFile,
    target: &Path,
    key: &StorePath,
    (overwrite, mode): (bool, Mode),
    fsync: bool,
) -> Result<File> {
    let permissions = match mode {
        Mode::Of(permissions) => Some(permissions),
        Mode::Written if overwrite => fs::symlink_metadata(target)
            .ok()
            .filter(|m| m.is_file())
            .map(|old| old.permissions()),
        Mode::Written => None,
    };
    if let Some(permissions) = permissions {
        temp.as_file()
            .set_permissions(permissions)
            .map_err(|e| Error::from_io(e, key, NAME))?;
    }
    if fsync {
        temp.as_file()
            .sync_all()
            .map_err(|e| Error::from_io(e, key, NAME))?;
    }
    let persisted = if overwrite {
        temp.persist(target)
    } else {
        temp.persist_noclobber(target)
    };
    let file = persisted.map_err(|PersistError { error, file }| {
        drop(file);
        if error.kind() == io::ErrorKind::AlreadyExists {
            Error::already_exists(key.as_str()).with_backend(NAME)
        } else {
            Error::from_io(error, key, NAME)
        }
    })?;
    if fsync {
        if let Some(dir) = target.parent() {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::from_io(e, key, NAME))?;
        }
    }
    Ok(file)
}

/// The writer of `open_atomic`: the temp exists from open; dropping it removes the temp.
pub(super) struct LocalAtomicSink {
    pub(super) temp: NamedTempFile,
    pub(super) target: PathBuf,
    pub(super) key: StorePath,
    pub(super) overwrite: bool,
    pub(super) fsync: bool,
}

impl Write for LocalAtomicSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

impl AtomicSink for LocalAtomicSink {
    fn commit(self: Box<Self>) -> Result<WriteResult> {
        let sink = *self;
        let file = promote(
            sink.temp,
            &sink.target,
            &sink.key,
            (sink.overwrite, Mode::Written),
            sink.fsync,
        )?;
        let meta = file
            .metadata()
            .map_err(|e| Error::from_io(e, &sink.key, NAME))?;
        Ok(WriteResult::native(&file_info(sink.key, &meta)))
    }

    fn abort(self: Box<Self>) -> Result<()> {
        let key = self.key.clone();
        self.temp.close().map_err(|e| Error::from_io(e, &key, NAME))
    }
}
