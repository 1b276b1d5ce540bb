//! Delete needs both `delete` and `delete_folder`.
#![allow(dead_code)]

use store::{FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv")]
impl Kv {
    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        let _ = (path, missing_ok);
        Ok(())
    }

    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
