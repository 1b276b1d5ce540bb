//! `name` is written by the macro.
#![allow(dead_code)]

use store::{FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv")]
impl Kv {
    fn name(&self) -> &'static str {
        "kv"
    }

    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
