//! The data the rows run on: one scratch folder under the bench's target dir (same filesystem
//! as the build, never /tmp, which may be tmpfs and would flatter every contender), removed
//! when the run ends, even after a panic.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::BenchResult;

/// Folder of the small files every read and stat row uses.
pub const READS: &str = "r";
/// Folder of the listing row.
pub const LIST: &str = "l";
/// The large file of the big-read row.
pub const BIG: &str = "big/b";

/// The folder of the small files read five folders deep.
pub const DEEP: &str = "d/1/2/3/4";

/// The key of the `i`th small file directly in the root.
pub fn top_key(i: usize) -> String {
    format!("t{i:06}")
}

/// A scratch folder that deletes itself on drop.
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    /// Creates `<target>/bench-data-<pid>`, `<target>` being the folder that holds the
    /// `release/` (or `debug/`) folder of the running binary.
    pub fn create() -> BenchResult<DataDir> {
        let exe = std::env::current_exe()?;
        let target = exe
            .parent()
            .and_then(Path::parent)
            .ok_or("the bench binary is not inside a cargo target dir")?;
        let path = target.join(format!("bench-data-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        // Canonical, so every contender sees the same spelling of the same folder.
        let path = fs::canonicalize(&path)?;
        Ok(DataDir { path })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if let Err(err) = fs::remove_dir_all(&self.path) {
            eprintln!("could not remove {}: {err}", self.path.display());
        }
    }
}

/// Deterministic non-zero content, so no filesystem can store it sparsely.
pub fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) | 1)
        .collect()
}

/// The key of the `i`th file of a numbered set in `folder`, fixed width so names sort.
pub fn key(folder: &str, i: usize) -> String {
    format!("{folder}/f{i:06}")
}

/// Creates `count` files of `len` bytes named by [`key`] in `root/folder`.
pub fn fill(root: &Path, folder: &str, count: usize, len: usize) -> BenchResult<()> {
    fs::create_dir_all(root.join(folder))?;
    let data = content(len, 7);
    for i in 0..count {
        fs::write(root.join(key(folder, i)), &data)?;
    }
    Ok(())
}

/// Each contender's own `count` files in `root/row/<who>`, for the rows that consume their
/// files (rename, delete); returns their keys, one list per contender.
pub fn own_files(
    root: &Path,
    row: &str,
    who: &[&str],
    count: usize,
    body: &[u8],
) -> BenchResult<Vec<Vec<String>>> {
    let keys: Vec<Vec<String>> = who
        .iter()
        .map(|w| (0..count).map(|i| key(&format!("{row}/{w}"), i)).collect())
        .collect();
    for (w, keys) in who.iter().zip(&keys) {
        fs::create_dir_all(root.join(row).join(w))?;
        for k in keys {
            fs::write(root.join(k), body)?;
        }
    }
    Ok(keys)
}

/// Writes a file of `len` bytes in 1 MiB pieces, so making a 1 GiB input never needs 1 GiB
/// of memory in the parent.
pub fn big_file(path: &Path, len: u64) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let piece = content(1 << 20, 3);
    let mut file = File::create(path)?;
    let mut left = len;
    while left > 0 {
        let n = left.min(piece.len() as u64) as usize;
        file.write_all(&piece[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}
